extension BinaryMask {
    /// The mask as a COCO polygon segmentation: one ring `[x0, y0, x1, y1, …]` per 8-connected
    /// component, in pixel-corner coordinates (pixel (x, y) is [x, x + 1] × [y, y + 1]), simplified
    /// with Douglas–Peucker at `tolerance` pixels.
    ///
    /// - Holes: COCO polygons cannot express them, so only outer boundaries are emitted and a
    ///   component that lies inside another's hole is dropped (its pixels are inside the
    ///   enclosing ring anyway). Rasterising the result (pycocotools `annToMask`, or
    ///   `RLE(polygons:height:width:)`) at tolerance 0 gives exactly `holesFilled()`.
    /// - Tiny or thin components: when simplification would leave fewer than 3 vertices or no
    ///   area, the component's exact (unsimplified) ring is emitted instead, so no component is
    ///   lost; every ring has at least 3 vertices (6 numbers, never the 4 that pycocotools would
    ///   read as a box).
    public func cocoPolygons(tolerance: Double = 0) -> [[Double]] {
        ContourTracer.outerRings(of: self).map { ring in
            let exact = ring.count / 2
            // Traced rings have no collinear vertices (every vertex is a 90° turn), so tolerance 0
            // keeps them all without running the simplifier.
            var kept = tolerance > 0 ? PolygonSimplifier.keptIndices(ring: ring, tolerance: tolerance) : Array(0..<exact)
            if kept.count < 3 || PolygonSimplifier.doubledArea(ring, indices: kept) == 0 {
                kept = Array(0..<exact)
            }
            var out: [Double] = []
            out.reserveCapacity(kept.count * 2)
            for i in kept {
                out.append(Double(ring[2 * i]))
                out.append(Double(ring[2 * i + 1]))
            }
            return out
        }
    }
}
