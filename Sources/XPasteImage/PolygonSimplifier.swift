/// Douglas–Peucker simplification of closed polygon rings.
public enum PolygonSimplifier {
    /// The indices of the vertices of the closed ring `points` (flat `[x0, y0, x1, y1, …]`) that
    /// Douglas–Peucker keeps at `tolerance` (pixels), ascending.
    ///
    /// The ring is split at vertex 0 and the vertex farthest from it, and each half is simplified
    /// as an open chain, so the result does not depend on the closing edge. A vertex is kept when it
    /// lies farther than `tolerance` from the segment that would replace it; with tolerance 0 only
    /// exactly collinear vertices go.
    public static func keptIndices<T: BinaryInteger>(ring points: [T], tolerance: Double) -> [Int] {
        let n = points.count / 2
        guard n > 3 else { return Array(0..<n) }
        let xs = (0..<n).map { Double(points[2 * $0]) }, ys = (0..<n).map { Double(points[2 * $0 + 1]) }
        return keptIndices(xs: xs, ys: ys, tolerance: tolerance)
    }

    /// `keptIndices` for a ring of doubles `[x0, y0, x1, y1, …]`.
    public static func keptIndices(ring points: [Double], tolerance: Double) -> [Int] {
        let n = points.count / 2
        guard n > 3 else { return Array(0..<n) }
        let xs = (0..<n).map { points[2 * $0] }, ys = (0..<n).map { points[2 * $0 + 1] }
        return keptIndices(xs: xs, ys: ys, tolerance: tolerance)
    }

    /// The simplified ring `[x0, y0, …]` (a subset of the input's vertices, in order).
    public static func simplify(ring points: [Double], tolerance: Double) -> [Double] {
        keptIndices(ring: points, tolerance: tolerance).flatMap { [points[2 * $0], points[2 * $0 + 1]] }
    }

    static func keptIndices(xs: [Double], ys: [Double], tolerance: Double) -> [Int] {
        let n = xs.count
        var far = 0
        var farDistance = -1.0
        for i in 1..<n {
            let d = (xs[i] - xs[0]) * (xs[i] - xs[0]) + (ys[i] - ys[0]) * (ys[i] - ys[0])
            if d > farDistance { farDistance = d; far = i }
        }
        var keep = [Bool](repeating: false, count: n)
        keep[0] = true
        keep[far] = true
        // Ranges (a, b) with b possibly == n, meaning vertex 0 again.
        var stack: [(Int, Int)] = [(0, far), (far, n)]
        let tol = max(tolerance, 0)
        while let (a, b) = stack.popLast() {
            guard b - a > 1 else { continue }
            let bx = xs[b % n], by = ys[b % n]
            var best = a, bestDistance = -1.0
            for i in (a + 1)..<b {
                let d = segmentDistance(xs[i], ys[i], xs[a], ys[a], bx, by)
                if d > bestDistance { bestDistance = d; best = i }
            }
            if bestDistance > tol {
                keep[best] = true
                stack.append((a, best))
                stack.append((best, b))
            }
        }
        return (0..<n).filter { keep[$0] }
    }

    /// Distance from (px, py) to the segment (ax, ay)–(bx, by).
    @inline(__always)
    static func segmentDistance(_ px: Double, _ py: Double, _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double) -> Double {
        let dx = bx - ax, dy = by - ay
        let len2 = dx * dx + dy * dy
        var t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0
        t = min(max(t, 0), 1)
        let ex = ax + t * dx - px, ey = ay + t * dy - py
        return (ex * ex + ey * ey).squareRoot()
    }

    /// Twice the signed area of a flat ring (shoelace).
    static func doubledArea<T: BinaryInteger>(_ points: [T], indices: [Int]) -> Int {
        var s = 0
        for k in indices.indices {
            let i = indices[k], j = indices[(k + 1) % indices.count]
            s += Int(points[2 * i]) * Int(points[2 * j + 1]) - Int(points[2 * j]) * Int(points[2 * i + 1])
        }
        return s
    }
}
