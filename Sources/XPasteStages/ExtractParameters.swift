/// The extract stage's parameters, with X-Paste's defaults: one type shared by `xpaste extract`'s
/// flags, a pipeline file's `with:` and a job request's overrides, so a parameter is added once and
/// means the same everywhere. Keys are snake_case in YAML and JSON (`batch_size`).
public struct ExtractParameters: Sendable, Hashable, Codable {
    /// Segmenters, in order: model folders in the models folder (rembg's `u2net`, `isnet-general-use`,
    /// …) or `classical`, which needs no model.
    public var segmenters: [String] = ["u2net", "classical"]
    /// The CLIP model that picks among several segmenters' cutouts (nil: `clip-vit-l-14` when there
    /// are several segmenters, no scoring with one).
    public var clip: String? = nil
    /// Mask values above this are the object (X-Paste: 128).
    public var threshold: Int = 128
    /// Sources per extractor call and per bank transaction (the cancel and shutdown granularity).
    public var batchSize: Int = 8

    /// The CLIP model X-Paste scores with.
    public static let defaultCLIP = "clip-vit-l-14"

    /// X-Paste's defaults.
    public init() {}

    /// The CLIP model this run loads, if any.
    public var effectiveCLIP: String? { clip ?? (segmenters.count > 1 ? Self.defaultCLIP : nil) }

    /// The first problem with these values, or nil when they are usable.
    public func problem() -> String? {
        if segmenters.isEmpty { return "segmenters: name at least one segmenter" }
        if Set(segmenters).count != segmenters.count { return "segmenters: a segmenter is named twice" }
        if let bad = segmenters.first(where: { !Self.isPlainName($0) }) {
            return "segmenters: \"\(bad)\" is not a model folder name (letters, digits, '.', '_', '-')"
        }
        if let clip, !Self.isPlainName(clip) { return "clip: \"\(clip)\" is not a model folder name" }
        if !(0..<255).contains(threshold) { return "threshold: must be in 0…254, got \(threshold)" }
        if !(1...256).contains(batchSize) { return "batch_size: must be in 1…256, got \(batchSize)" }
        return nil
    }

    /// A model folder name: no path separators, no `..`, so a request cannot name files elsewhere.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 128 && name != "." && name != ".."
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "_" || $0 == "-") }
    }
}
