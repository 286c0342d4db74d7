/// An axis-aligned box on the pixel grid: the pixels x ..< x+width, y ..< y+height.
public struct PixelBox: Sendable, Hashable, Codable {
    /// Left column.
    public var x: Int
    /// Top row.
    public var y: Int
    /// Width in pixels (0 for an empty box).
    public var width: Int
    /// Height in pixels (0 for an empty box).
    public var height: Int

    /// Creates a box from its origin and size.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// True when the box covers no pixel.
    @inlinable public var isEmpty: Bool { width <= 0 || height <= 0 }
    /// One past the right-most column.
    @inlinable public var maxX: Int { x + width }
    /// One past the bottom row.
    @inlinable public var maxY: Int { y + height }
    /// Number of pixels covered.
    @inlinable public var area: Int { isEmpty ? 0 : width * height }

    /// The overlap of two boxes, or nil when they do not overlap.
    public func intersection(_ other: PixelBox) -> PixelBox? {
        let x0 = max(x, other.x), y0 = max(y, other.y)
        let x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        guard x1 > x0, y1 > y0 else { return nil }
        return PixelBox(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// COCO's `[x, y, w, h]` as doubles.
    public var cocoBox: [Double] { [Double(x), Double(y), Double(width), Double(height)] }
}
