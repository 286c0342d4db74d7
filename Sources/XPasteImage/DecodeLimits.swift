/// Bounds that decoding enforces before it allocates anything image-sized, so a hostile or
/// broken file (a 65535×65535 header, a decompression bomb, an endless download) fails fast with
/// `ImageError.tooLarge` instead of exhausting memory.
public struct DecodeLimits: Sendable, Hashable {
    /// Largest accepted width × height, checked against the header before pixel buffers exist.
    public var maxPixels: Int
    /// Largest accepted encoded input in bytes; a file over it is refused before it is read.
    public var maxInputBytes: Int

    /// Creates limits; the defaults (50 megapixels, 64 MiB) fit every photo xpaste expects.
    public init(maxPixels: Int = 50_000_000, maxInputBytes: Int = 64 << 20) {
        self.maxPixels = maxPixels
        self.maxInputBytes = maxInputBytes
    }

    /// 50 megapixels, 64 MiB of input.
    public static let `default` = DecodeLimits()

    /// Throws `.tooLarge` when a `width × height` image exceeds `maxPixels` (or is absurd).
    func check(width: Int, height: Int, format: ImageFormat) throws(ImageError) {
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else {
            throw .tooLarge("\(format.displayName) is \(width)×\(height), over the limit of \(maxPixels) pixels")
        }
    }

    /// Throws `.tooLarge` when `count` encoded bytes exceed `maxInputBytes`.
    func check(inputBytes count: Int) throws(ImageError) {
        guard count <= maxInputBytes else {
            throw .tooLarge("input of \(count) bytes is over the limit of \(maxInputBytes) bytes")
        }
    }
}
