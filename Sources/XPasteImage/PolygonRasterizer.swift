/// Rasterises COCO polygons exactly as pycocotools does (`frPyObjects` + `decode`, i.e. what
/// `COCO.annToMask` returns), so that xpaste can predict the mask a training pipeline will see.
///
/// pycocotools' rule, re-implemented here from its documented behaviour: the ring is scaled by 5
/// and its vertices rounded (C truncation of `5·v + 0.5`); every edge is walked one upsampled step
/// at a time along its major axis; wherever the walk crosses the centre line of a pixel column
/// (x = k + 0.5 in polygon coordinates, so pixel k spans [k, k + 1]) the crossing's row,
/// `ceil((v + 0.5)/5 − 0.5)` clamped to [0, h], toggles the column from there down. Pixels are
/// therefore in when their centre is inside the ring, give or take the 1/5-pixel rounding.
public enum PolygonRasterizer {
    /// Largest coordinate magnitude accepted: keeps the upsampled integers inside 32 bits, as in
    /// the C code, and the edge walk bounded.
    public static let coordinateLimit: Double = 16_000_000

    /// The RLE counts pycocotools gives for one ring `[x0, y0, x1, y1, …]` on an
    /// `height × width` grid. Throws on an odd number of coordinates, fewer than 3 vertices, or a
    /// non-finite or out-of-range coordinate.
    public static func counts(ring: [Double], height h: Int, width w: Int) throws(ImageError) -> [UInt32] {
        guard ring.count % 2 == 0, ring.count >= 6 else {
            throw ImageError.invalidGeometry("a polygon ring needs an even number of at least 6 coordinates, got \(ring.count)")
        }
        _ = try RLE.checkedPixelCount(height: h, width: w)
        for v in ring where !(v.isFinite && abs(v) <= coordinateLimit) {
            throw ImageError.invalidGeometry("polygon coordinate \(v) is not finite or exceeds ±\(coordinateLimit)")
        }
        // A raster without pixels has nothing to fill (pycocotools returns garbage counts there).
        guard h > 0, w > 0 else { return [UInt32(h * w)] }
        let k = ring.count / 2
        let scale = 5.0
        var xs = [Int](repeating: 0, count: k + 1), ys = [Int](repeating: 0, count: k + 1)
        for j in 0..<k {
            // Int(Double) truncates toward zero like a C cast.
            xs[j] = Int(scale * ring[2 * j] + 0.5)
            ys[j] = Int(scale * ring[2 * j + 1] + 0.5)
        }
        xs[k] = xs[0]
        ys[k] = ys[0]

        // Column crossings as column-major indices x·h + y, collected while walking the boundary.
        var crossings: [UInt32] = []
        var havePrevious = false
        var pu = 0, pv = 0
        let hd = Double(h), wMax = Double(w - 1)
        @inline(__always) func visit(_ u: Int, _ v: Int) {
            defer { pu = u; pv = v; havePrevious = true }
            guard havePrevious, u != pu else { return }
            var xd = Double(u < pu ? u : u - 1)
            xd = (xd + 0.5) / scale - 0.5
            guard xd.rounded(.down) == xd, xd >= 0, xd <= wMax else { return }
            var yd = Double(v < pv ? v : pv)
            yd = (yd + 0.5) / scale - 0.5
            if yd < 0 { yd = 0 } else if yd > hd { yd = hd }
            yd = yd.rounded(.up)
            crossings.append(UInt32(Int(xd) * h + Int(yd)))
        }
        for j in 0..<k {
            var x0 = xs[j], x1 = xs[j + 1], y0 = ys[j], y1 = ys[j + 1]
            let dx = abs(x1 - x0), dy = abs(y0 - y1)
            // Each edge is walked from its low end along the major axis, then emitted in the
            // original direction, exactly like the reference, so rounding ties land the same way.
            let flip = (dx >= dy && x0 > x1) || (dx < dy && y0 > y1)
            if flip {
                swap(&x0, &x1)
                swap(&y0, &y1)
            }
            if dx >= dy {
                // dx == dy == 0 is a repeated vertex: its one point repeats the previous one, so
                // its row never matters (the reference computes it from 0/0).
                let s = dx == 0 ? 0 : Double(y1 - y0) / Double(dx)
                for d in 0...dx {
                    let t = flip ? dx - d : d
                    visit(t + x0, Int(Double(y0) + s * Double(t) + 0.5))
                }
            } else {
                let s = Double(x1 - x0) / Double(dy)
                for d in 0...dy {
                    let t = flip ? dy - d : d
                    visit(Int(Double(x0) + s * Double(t) + 0.5), t + y0)
                }
            }
        }

        // Sorted crossings → run lengths; coinciding crossings cancel in pairs.
        crossings.append(UInt32(h * w))
        crossings.sort()
        var previous: UInt32 = 0
        for j in crossings.indices {
            let t = crossings[j]
            crossings[j] = t - previous
            previous = t
        }
        var counts: [UInt32] = [crossings[0]]
        counts.reserveCapacity(crossings.count)
        var j = 1
        while j < crossings.count {
            if crossings[j] > 0 {
                counts.append(crossings[j])
                j += 1
            } else {
                j += 1
                if j < crossings.count {
                    counts[counts.count - 1] += crossings[j]
                    j += 1
                }
            }
        }
        return counts
    }
}

extension RLE {
    /// One polygon ring `[x0, y0, x1, y1, …]` rasterised exactly as pycocotools `frPyObjects`.
    public init(polygon ring: [Double], height: Int, width: Int) throws(ImageError) {
        self.init(unchecked: height, width: width,
                  counts: try PolygonRasterizer.counts(ring: ring, height: height, width: width))
    }

    /// A COCO polygon segmentation (several rings, their union) rasterised exactly as pycocotools
    /// `annToRLE` does (`frPyObjects` then `merge`). No rings give an empty mask.
    public init(polygons rings: [[Double]], height: Int, width: Int) throws(ImageError) {
        guard !rings.isEmpty else {
            _ = try RLE.checkedPixelCount(height: height, width: width)
            self.init(emptyHeight: height, width: width)
            return
        }
        var parts: [RLE] = []
        parts.reserveCapacity(rings.count)
        for ring in rings { parts.append(try RLE(polygon: ring, height: height, width: width)) }
        self = try RLE.merge(parts)
    }
}
