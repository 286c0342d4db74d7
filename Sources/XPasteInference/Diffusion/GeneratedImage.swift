import XPasteImage

/// One drawn image and what drew it.
public struct GeneratedImage: Sendable, Hashable {
    /// The RGB image (diffusers' rounding: round(255 · x)).
    public let image: Image
    /// The prompt it was drawn from.
    public let prompt: String
    /// Its seed.
    public let seed: UInt64
}
