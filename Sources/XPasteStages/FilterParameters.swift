import XPasteInference

/// The filter stage's parameters, with X-Paste's defaults (`min_clip` 21, `tolerance` 1, area
/// within [0.05, 0.95], X-Paste's scoring): one type for `xpaste filter`'s flags, pipeline files and job requests.
public struct FilterParameters: Sendable, Hashable, Codable {
    /// The CLIP model that scores cutouts.
    public var clip: String = ExtractParameters.defaultCLIP
    /// X-Paste's `min_clip`: the bar is `min(min_clip, best − tolerance)` per category.
    public var minClip: Double = 21
    /// X-Paste's tolerance below the category's best score.
    public var tolerance: Double = 1
    /// Smallest mask area as a share of the source image.
    public var minArea: Double = 0.05
    /// Largest mask area as a share of the source image.
    public var maxArea: Double = 0.95
    /// Cutouts per CLIP call.
    public var batchSize: Int = 32
    /// How cutouts are scored: `xpaste` (X-Paste's whole source image with the mask on white,
    /// padded to a square, never cropped) or `cutout` (the stored cutout, resized and centre-cropped).
    public var scoring: CLIPScoring = .xpaste

    /// X-Paste's defaults.
    public init() {}

    /// The keep rule these values describe.
    public var rule: CLIPFilterRule {
        CLIPFilterRule(minScore: Float(minClip), tolerance: Float(tolerance), minAreaRatio: minArea, maxAreaRatio: maxArea)
    }

    /// The first problem with these values, or nil when they are usable.
    public func problem() -> String? {
        if !ExtractParameters.isPlainName(clip) { return "clip: \"\(clip)\" is not a model folder name" }
        if !minClip.isFinite || !(-100...100).contains(minClip) { return "min_clip: must be a finite number in -100…100" }
        if !tolerance.isFinite || tolerance < 0 || tolerance > 200 { return "tolerance: must be in 0…200" }
        if !minArea.isFinite || !maxArea.isFinite || minArea < 0 || maxArea > 1 || minArea > maxArea {
            return "min_area, max_area: need 0 ≤ min_area ≤ max_area ≤ 1"
        }
        if !(1...1024).contains(batchSize) { return "batch_size: must be in 1…1024, got \(batchSize)" }
        return nil
    }
}
