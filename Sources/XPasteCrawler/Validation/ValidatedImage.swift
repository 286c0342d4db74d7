import XPasteImage

/// An image that passed validation: the bytes to store and what was learnt decoding them.
public struct ValidatedImage: Sendable {
    /// The bytes to store (re-encoded when resized).
    public var bytes: [UInt8]
    /// Format of `bytes`.
    public var format: ImageFormat
    /// Width of the stored image.
    public var width: Int
    /// Height of the stored image.
    public var height: Int
    /// 64-bit difference hash of the image (for near-duplicate checks).
    public var perceptualHash: UInt64
}
