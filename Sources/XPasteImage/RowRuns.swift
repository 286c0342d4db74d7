/// The horizontal runs of one pixel value in a binary mask, labelled by connected component.
///
/// Labelling runs rather than pixels keeps union-find small (one node per run) and lets the
/// row scan skip eight uniform pixels per step; components, hole filling and contour starts all
/// build on it.
struct RowRuns {
    /// Runs of row y are `rowStart[y] ..< rowStart[y + 1]`.
    var rowStart: [Int]
    /// First column of each run.
    var start: [Int32]
    /// One past the last column of each run.
    var end: [Int32]
    /// 1-based component label per run, numbered in raster order of each component's first pixel.
    var label: [Int32]
    /// Number of components.
    var componentCount: Int

    /// Finds and labels the runs of pixels that are foreground (`foreground == true`) or
    /// background in `mask`. Foreground is joined with 8-connectivity when `eightConnected`,
    /// otherwise with 4-connectivity.
    init(_ mask: BinaryMask, foreground: Bool, eightConnected: Bool) {
        let w = mask.width, h = mask.height
        var rowStart = [Int](repeating: 0, count: h + 1)
        var start: [Int32] = [], end: [Int32] = []
        start.reserveCapacity(h * 2)
        end.reserveCapacity(h * 2)
        mask.bits.withUnsafeBufferPointer { bits in
            guard let base = bits.baseAddress else { return }
            for y in 0..<h {
                RowRuns.scanRow(base + y * w, width: w, foreground: foreground) { s, e in
                    start.append(Int32(s))
                    end.append(Int32(e))
                }
                rowStart[y + 1] = start.count
            }
        }
        let n = start.count
        var parent = [Int32](0..<Int32(n))
        var label = [Int32](repeating: 0, count: n)
        var count = 0
        // 8-connected runs touch when their column ranges overlap after widening by one pixel.
        let reach: Int32 = eightConnected ? 1 : 0
        parent.withUnsafeMutableBufferPointer { parent in
            start.withUnsafeBufferPointer { start in
                end.withUnsafeBufferPointer { end in
                    @inline(__always) func find(_ i: Int32) -> Int32 {
                        var r = i
                        while parent[Int(r)] != r { r = parent[Int(r)] }
                        var j = i
                        while parent[Int(j)] != r {
                            let next = parent[Int(j)]
                            parent[Int(j)] = r
                            j = next
                        }
                        return r
                    }
                    if h > 1 {
                        for y in 1..<h {
                            var i = rowStart[y - 1]
                            let iEnd = rowStart[y]
                            for j in rowStart[y]..<rowStart[y + 1] {
                                let cs = start[j], ce = end[j]
                                while i < iEnd && end[i] + reach <= cs { i += 1 }
                                var k = i
                                while k < iEnd && start[k] < ce + reach {
                                    let a = find(Int32(k)), b = find(Int32(j))
                                    if a != b {
                                        // The smaller index (earlier in raster order) stays the root.
                                        if a < b { parent[Int(b)] = a } else { parent[Int(a)] = b }
                                    }
                                    k += 1
                                }
                            }
                        }
                    }
                    label.withUnsafeMutableBufferPointer { label in
                        for r in 0..<n {
                            let root = Int(find(Int32(r)))
                            if root == r {
                                count += 1
                                label[r] = Int32(count)
                            } else {
                                label[r] = label[root]
                            }
                        }
                    }
                }
            }
        }
        self.rowStart = rowStart
        self.start = start
        self.end = end
        self.label = label
        self.componentCount = count
    }

    /// Calls `body(start, end)` for each run of foreground (or background) bytes in one row,
    /// stepping over eight uniform bytes at a time.
    @inline(__always)
    static func scanRow(_ row: UnsafePointer<UInt8>, width w: Int, foreground: Bool, _ body: (Int, Int) -> Void) {
        let highBits: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func isTarget(_ x: Int) -> Bool { (row[x] != 0) == foreground }
        // High bit set in each byte of the word at x that holds the target value (or not).
        @inline(__always) func targetBytes(_ x: Int, _ want: Bool) -> UInt64 {
            let nz = RLEBoundaryScan.nonZeroBytes(UnsafeRawPointer(row + x).loadUnaligned(as: UInt64.self))
            return (foreground == want) ? nz : (~nz & highBits)
        }
        var x = 0
        while x < w {
            // Find the next target pixel.
            while x + 8 <= w {
                let t = targetBytes(x, true)
                if t != 0 {
                    x += t.trailingZeroBitCount >> 3
                    break
                }
                x += 8
            }
            while x < w && !isTarget(x) { x += 1 }
            if x >= w { return }
            let s = x
            // Find its end.
            while x + 8 <= w {
                let t = targetBytes(x, false)
                if t != 0 {
                    x += t.trailingZeroBitCount >> 3
                    break
                }
                x += 8
            }
            while x < w && isTarget(x) { x += 1 }
            body(s, x)
        }
    }

    /// Number of runs.
    var count: Int { start.count }

    /// The row of run `r` (binary search over `rowStart`).
    func row(of r: Int) -> Int {
        var lo = 0, hi = rowStart.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if rowStart[mid] <= r { lo = mid } else { hi = mid }
        }
        return lo
    }
}
