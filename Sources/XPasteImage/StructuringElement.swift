/// The neighbourhood used by morphology on a `BinaryMask`, centred on the pixel.
public enum StructuringElement: Sendable, Hashable {
    /// The (2r+1) × (2r+1) square: OpenCV's `getStructuringElement(MORPH_RECT, (2r+1, 2r+1))`.
    case square(radius: Int)
    /// The digital disk of radius r: OpenCV's `getStructuringElement(MORPH_ELLIPSE, (2r+1, 2r+1))`,
    /// whose row at vertical offset dy spans ±round(r·√(1 − dy²/r²)) columns.
    case disk(radius: Int)

    /// The radius r.
    public var radius: Int {
        switch self {
        case .square(let r), .disk(let r): r
        }
    }

    /// Half-widths of the element's rows for |dy| = 0 … r, computed in the same double-precision
    /// steps as OpenCV (`saturate_cast<int>` rounds half to even).
    var rowHalfWidths: [Int] {
        switch self {
        case .square(let r):
            return [Int](repeating: r, count: r + 1)
        case .disk(let r):
            let inverseSquare = r > 0 ? 1.0 / (Double(r) * Double(r)) : 0
            return (0...r).map { dy in
                let span = Double(r) * (Double(r * r - dy * dy) * inverseSquare).squareRoot()
                return min(Int(span.rounded(.toNearestOrEven)), r)
            }
        }
    }

    /// The element as a (2r+1)² grid of 0/1, row-major (what OpenCV's `getStructuringElement`
    /// returns); empty for a radius that morphology refuses (negative or over 4096), which would
    /// otherwise overflow or exhaust memory.
    public var grid: [UInt8] {
        let r = radius
        guard r >= 0, r <= Morphology.maximumRadius else { return [] }
        let size = 2 * r + 1
        let widths = rowHalfWidths
        var cells = [UInt8](repeating: 0, count: size * size)
        for row in 0..<size {
            let w = widths[abs(row - r)]
            for col in (r - w)...(r + w) { cells[row * size + col] = 1 }
        }
        return cells
    }
}
