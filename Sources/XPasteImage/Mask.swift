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
        guard width >= 0, height >= 0 else {
            throw ImageError.invalidGeometry("mask size \(width)×\(height) is negative")
        }
        let count = try PlaneSize.product(width, height, what: "a \(width)×\(height) mask")
        guard values.count == count else {
            throw ImageError.invalidGeometry("mask \(width)×\(height) needs \(count) values, got \(values.count)")
        }
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
        guard width >= 0, height >= 0 else {
            throw ImageError.invalidGeometry("mask size \(width)×\(height) is negative")
        }
        let count = try PlaneSize.product(width, height, what: "a \(width)×\(height) mask")
        guard bits.count == count else {
            throw ImageError.invalidGeometry("mask \(width)×\(height) needs \(count) values, got \(bits.count)")
        }
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
