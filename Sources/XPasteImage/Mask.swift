/// A soft 8-bit mask (0 = background, 255 = certainly foreground), row-major, packed rows.
///
/// Segmenters produce soft masks; `binarized(threshold:)` gives the binary view that geometry,
/// RLE and polygons work on.
public struct Mask: Sendable, Hashable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// One byte per pixel, `width × height` of them.
    public var values: [UInt8]

    /// Creates a mask filled with `value`.
    public init(width: Int, height: Int, value: UInt8 = 0) {
        precondition(width >= 0 && height >= 0, "negative mask size")
        self.width = width
        self.height = height
        self.values = [UInt8](repeating: value, count: width * height)
    }

    /// Wraps existing values; throws when the count does not match the geometry.
    public init(width: Int, height: Int, values: [UInt8]) throws(ImageError) {
        try PlaneSize.checkMask(width: width, height: height, valueCount: values.count)
        self.width = width
        self.height = height
        self.values = values
    }

    /// The value at (x, y).
    @inlinable public subscript(x: Int, y: Int) -> UInt8 {
        get { values[y * width + x] }
        set { values[y * width + x] = newValue }
    }

    /// The binary view: pixels whose value is ≥ `threshold` are foreground.
    public func binarized(threshold: UInt8 = 128) -> BinaryMask {
        var out = BinaryMask(width: width, height: height)
        values.withUnsafeBufferPointer { src in
            out.bits.withUnsafeMutableBufferPointer { dst in
                for i in 0..<src.count { dst[i] = src[i] >= threshold ? 1 : 0 }
            }
        }
        return out
    }
}
