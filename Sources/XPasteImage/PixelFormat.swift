/// Pixel layouts that xpaste keeps in memory. Every layout is 8 bits per channel, interleaved.
public enum PixelFormat: Int, Sendable, Hashable, Codable {
    /// Red, green, blue; 3 bytes per pixel.
    case rgb8 = 3
    /// Red, green, blue, straight (not premultiplied) alpha; 4 bytes per pixel.
    case rgba8 = 4

    /// Bytes per pixel.
    @inlinable public var channels: Int { rawValue }
}
