/// A binary mask: one byte per pixel holding 0 or 1, row-major, packed rows.
///
/// A byte per pixel (rather than a bit) keeps kernels branch-free and vectorisable; masks are
/// short-lived and at most a few megapixels.
public struct BinaryMask: Sendable, Hashable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// 0 or 1 per pixel, `width × height` of them.
    public var bits: [UInt8]

    /// Creates an all-background (or all-foreground) mask.
    public init(width: Int, height: Int, filled: Bool = false) {
        precondition(width >= 0 && height >= 0, "negative mask size")
        self.width = width
        self.height = height
        self.bits = [UInt8](repeating: filled ? 1 : 0, count: width * height)
    }

    /// Wraps existing bits; any non-zero byte counts as foreground and is stored as 1.
    public init(width: Int, height: Int, bits: [UInt8]) throws(ImageError) {
        try PlaneSize.checkMask(width: width, height: height, valueCount: bits.count)
        self.width = width
        self.height = height
        self.bits = bits.map { $0 == 0 ? 0 : 1 }
    }

    /// Whether (x, y) is foreground.
    @inlinable public subscript(x: Int, y: Int) -> Bool {
        get { bits[y * width + x] != 0 }
        set { bits[y * width + x] = newValue ? 1 : 0 }
    }

    /// The soft view: foreground 255, background 0.
    public func soft() -> Mask {
        var m = Mask(width: width, height: height)
        bits.withUnsafeBufferPointer { src in
            m.values.withUnsafeMutableBufferPointer { dst in
                for i in 0..<src.count { dst[i] = src[i] &* 255 }
            }
        }
        return m
    }
}
