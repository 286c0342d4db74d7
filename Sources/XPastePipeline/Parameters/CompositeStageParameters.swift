import XPasteCompositor

/// The composite stage's parameters: every `xpaste composite` knob (`CompositorParameters`, whose
/// keys sit at the same level) plus where the backgrounds come from and how the run is sized.
public struct CompositeStageParameters: StageParameters {
    /// A server-side folder of background images (the image root when `annotations` is set); nil
    /// uses the bank's background sources (uploaded with `kind=background`).
    public var backgrounds: String? = nil
    /// A server-side LVIS or COCO annotation file for the backgrounds.
    public var annotations: String? = nil
    /// A server-side size-prior file (`xpaste lvis-stats` output).
    public var sizePrior: String? = nil
    /// The run's seed: image i draws only from (seed, i), so equal inputs give equal datasets.
    public var seed: UInt64 = 0
    /// Number of output images; nil makes one per background.
    public var images: Int? = nil
    /// Only instances with at least this CLIP score.
    public var minClipScore: Double? = nil
    /// Paste only the job's categories (false: every category with accepted instances).
    public var onlyJobCategories: Bool = true
    /// Compositing threads (0: one per core).
    public var threads: Int = 0
    /// Decoded-cutout cache, in MiB.
    public var cacheMb: Int = 512
    /// Fail when more backgrounds or annotations than this had to be skipped (nil: no limit).
    public var maxSkipped: Int? = nil
    /// Every paste parameter, X-Paste's defaults.
    public var compositor = CompositorParameters()

    /// X-Paste's defaults, bank backgrounds.
    public init() {}

    public static var optionalKeys: Set<String> {
        ["backgrounds", "annotations", "size_prior", "images", "min_clip_score", "max_image_side", "lsj", "max_skipped"]
    }

    enum CodingKeys: String, CodingKey {
        case backgrounds, annotations, sizePrior, seed, images, minClipScore, onlyJobCategories, threads, cacheMb, maxSkipped
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        backgrounds = try c.decodeIfPresent(String.self, forKey: .backgrounds)
        annotations = try c.decodeIfPresent(String.self, forKey: .annotations)
        sizePrior = try c.decodeIfPresent(String.self, forKey: .sizePrior)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0
        images = try c.decodeIfPresent(Int.self, forKey: .images)
        minClipScore = try c.decodeIfPresent(Double.self, forKey: .minClipScore)
        onlyJobCategories = try c.decodeIfPresent(Bool.self, forKey: .onlyJobCategories) ?? true
        threads = try c.decodeIfPresent(Int.self, forKey: .threads) ?? 0
        cacheMb = try c.decodeIfPresent(Int.self, forKey: .cacheMb) ?? 512
        maxSkipped = try c.decodeIfPresent(Int.self, forKey: .maxSkipped)
        compositor = try CompositorParameters(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(backgrounds, forKey: .backgrounds)
        try c.encodeIfPresent(annotations, forKey: .annotations)
        try c.encodeIfPresent(sizePrior, forKey: .sizePrior)
        try c.encode(seed, forKey: .seed)
        try c.encodeIfPresent(images, forKey: .images)
        try c.encodeIfPresent(minClipScore, forKey: .minClipScore)
        try c.encode(onlyJobCategories, forKey: .onlyJobCategories)
        try c.encode(threads, forKey: .threads)
        try c.encode(cacheMb, forKey: .cacheMb)
        try c.encodeIfPresent(maxSkipped, forKey: .maxSkipped)
        try compositor.encode(to: encoder)
    }

    public func problem() -> String? {
        do {
            try compositor.validate()
        } catch {
            return error.description
        }
        if let images, !(0...10_000_000).contains(images) { return "images: must be in 0…10000000" }
        if let s = minClipScore, !s.isFinite { return "min_clip_score: must be finite" }
        if !(0...256).contains(threads) { return "threads: must be in 0…256" }
        if !(16...65_536).contains(cacheMb) { return "cache_mb: must be in 16…65536" }
        if let m = maxSkipped, m < 0 { return "max_skipped: must be 0 or more" }
        for (key, path) in [("backgrounds", backgrounds), ("annotations", annotations), ("size_prior", sizePrior)] {
            if let path, path.isEmpty { return "\(key): must not be empty" }
        }
        if annotations != nil, backgrounds == nil { return "backgrounds: annotations need the image root in backgrounds" }
        return nil
    }
}
