import XPasteImage

/// What a fetched image must satisfy to be kept, and how it is stored.
public struct ValidationOptions: Sendable, Hashable {
    /// Decode limits (pixels, bytes): bombs are refused before allocating.
    public var limits: DecodeLimits = .default
    /// Smallest shorter side kept, in pixels.
    public var minSide: Int = 64
    /// Largest long-side / short-side ratio kept.
    public var maxAspectRatio: Double = 4
    /// When set, images whose shorter side is larger are scaled down to it (area filter) and
    /// re-encoded (JPEG quality 90; PNG when there is alpha); smaller ones are kept as fetched.
    public var resizeShortestSide: Int? = nil

    /// The defaults.
    public init() {}
}
