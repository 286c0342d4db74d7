/// What an image's header says, read without decoding its pixels.
public struct ImageInfo: Sendable, Hashable {
    /// The encoded format.
    public var format: ImageFormat
    /// Width in pixels as `ImageCodec.decode` returns it (after EXIF orientation for JPEG).
    public var width: Int
    /// Height in pixels as `ImageCodec.decode` returns it (after EXIF orientation for JPEG).
    public var height: Int
    /// Whether decoding yields `.rgba8` (an alpha channel or PNG tRNS transparency).
    public var hasAlpha: Bool

    /// Creates an info value.
    public init(format: ImageFormat, width: Int, height: Int, hasAlpha: Bool) {
        self.format = format
        self.width = width
        self.height = height
        self.hasAlpha = hasAlpha
    }

    /// The pixel layout `ImageCodec.decode` returns for this image.
    public var pixelFormat: PixelFormat { hasAlpha ? .rgba8 : .rgb8 }
}
