/// Traces the outer boundaries of a binary mask's 8-connected components along pixel edges.
///
/// Coordinates are pixel corners: pixel (x, y) is the square [x, x + 1] × [y, y + 1], the
/// convention of COCO polygons and of pycocotools' rasteriser (which tests pixel centres at
/// x + 0.5). A traced ring therefore encloses exactly its component's pixels, and rasterising it
/// with pycocotools gives back the component with its holes filled, pixel for pixel.
///
/// The walk keeps foreground on its right (clockwise on screen) and, where two foreground pixels
/// touch only at a corner, turns towards the diagonal one, so an 8-connected component gets a
/// single ring that may touch itself at such corners. Only turning points are emitted.
public enum ContourTracer {
    /// One ring per 8-connected component, in raster order of the components' first pixels, as
    /// flat integer corner coordinates `[x0, y0, x1, y1, …]` starting at the top-left corner of
    /// the component's first pixel. Components that lie inside a hole of another component are
    /// skipped unless `includeNested` (their area is already inside the enclosing outer ring),
    /// like OpenCV's `RETR_EXTERNAL`.
    public static func outerRings(of mask: BinaryMask, includeNested: Bool = false) -> [[Int32]] {
        let w = mask.width, h = mask.height
        let fg = RowRuns(mask, foreground: true, eightConnected: true)
        guard fg.componentCount > 0 else { return [] }
        let components = ConnectedComponents.statistics(of: fg)
        let starts = components.map { (x: $0.firstX, y: $0.firstY) }
        // A component is nested when the background pixel just above its first pixel belongs to
        // a background region (4-connected) that does not reach the border: a hole of another
        // 8-connected component (it cannot be one of its own, being above its top row).
        var nested = [Bool](repeating: false, count: starts.count)
        if !includeNested && Self.mayNest(components) {
            let bg = fg.complement(width: w, eightConnected: false)
            let touches = bg.borderTouchingLabels(width: w)
            for (i, s) in starts.enumerated() where s.y > 0 {
                if let r = bg.run(containing: s.x, row: s.y - 1) { nested[i] = !touches[Int(bg.label[r])] }
            }
        }
        var rings: [[Int32]] = []
        mask.bits.withUnsafeBufferPointer { bits in
            for (i, s) in starts.enumerated() where !nested[i] {
                rings.append(trace(bits.baseAddress!, width: w, height: h, startX: s.x, startY: s.y))
            }
        }
        return rings
    }

    /// False when no component can lie in another's hole, which spares labelling the
    /// background: an enclosing component's box reaches past the enclosed one's on every side.
    /// Checked pairwise only for a few components; many components are assumed to possibly nest.
    static func mayNest(_ components: [ConnectedComponents.Component]) -> Bool {
        guard components.count > 1 else { return false }
        guard components.count <= 64 else { return true }
        for inner in components {
            for outer in components where outer.box.x < inner.box.x && outer.box.y < inner.box.y
                && outer.box.maxX > inner.box.maxX && outer.box.maxY > inner.box.maxY {
                return true
            }
        }
        return false
    }

    /// Walks one outer boundary from the top-left corner of (startX, startY), which must be the
    /// first pixel of its component in raster order.
    static func trace(_ bits: UnsafePointer<UInt8>, width w: Int, height h: Int, startX sx: Int, startY sy: Int) -> [Int32] {
        @inline(__always) func fg(_ x: Int, _ y: Int) -> Bool {
            x >= 0 && y >= 0 && x < w && y < h && bits[y * w + x] != 0
        }
        var ring: [Int32] = [Int32(sx), Int32(sy)]
        var cx = sx, cy = sy
        // 0 east, 1 south, 2 west, 3 north (y grows downwards).
        var dir = 0
        while true {
            switch dir {
            case 0: cx += 1
            case 1: cy += 1
            case 2: cx -= 1
            default: cy -= 1
            }
            // The start corner has a single foreground pixel around it, so it is passed only once.
            if cx == sx && cy == sy { break }
            // The two pixels ahead of the corner, to the left and right of the walking direction.
            let aheadLeft: Bool, aheadRight: Bool
            switch dir {
            case 0: aheadLeft = fg(cx, cy - 1); aheadRight = fg(cx, cy)
            case 1: aheadLeft = fg(cx, cy); aheadRight = fg(cx - 1, cy)
            case 2: aheadLeft = fg(cx - 1, cy); aheadRight = fg(cx - 1, cy - 1)
            default: aheadLeft = fg(cx - 1, cy - 1); aheadRight = fg(cx, cy - 1)
            }
            let next = aheadLeft ? (dir + 3) & 3 : aheadRight ? dir : (dir + 1) & 3
            if next != dir {
                ring.append(Int32(cx))
                ring.append(Int32(cy))
                dir = next
            }
        }
        return ring
    }
}

extension RowRuns {
    /// The run of row `y` that covers column `x`, if any.
    func run(containing x: Int, row y: Int) -> Int? {
        var lo = rowStart[y], hi = rowStart[y + 1]
        let x32 = Int32(x)
        while lo < hi {
            let mid = (lo + hi) / 2
            if end[mid] <= x32 { lo = mid + 1 } else { hi = mid }
        }
        return lo < rowStart[y + 1] && start[lo] <= x32 ? lo : nil
    }
}
