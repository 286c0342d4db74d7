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
                RowRuns.scanForeground(base + y * w, width: w) { s, e in
                    start.append(Int32(truncatingIfNeeded: s))
                    end.append(Int32(truncatingIfNeeded: e))
                }
                rowStart[y + 1] = start.count
            }
        }
        if foreground {
            self.init(rowStart: rowStart, start: start, end: end, eightConnected: eightConnected)
        } else {
            self.init(complementOf: (rowStart, start, end), width: w, eightConnected: eightConnected)
        }
    }

    /// The background runs between the given foreground runs (no second pass over the pixels).
    init(complementOf fg: (rowStart: [Int], start: [Int32], end: [Int32]), width w: Int, eightConnected: Bool) {
        let h = fg.rowStart.count - 1
        var rowStart = [Int](repeating: 0, count: h + 1)
        var start: [Int32] = [], end: [Int32] = []
        start.reserveCapacity(fg.start.count + h)
        end.reserveCapacity(fg.start.count + h)
        let w32 = Int32(truncatingIfNeeded: w)
        for y in 0..<h {
            var x: Int32 = 0
            for r in fg.rowStart[y]..<fg.rowStart[y + 1] {
                if fg.start[r] > x {
                    start.append(x)
                    end.append(fg.start[r])
                }
                x = fg.end[r]
            }
            if x < w32 {
                start.append(x)
                end.append(w32)
            }
            rowStart[y + 1] = start.count
        }
        self.init(rowStart: rowStart, start: start, end: end, eightConnected: eightConnected)
    }

    /// The background runs of the mask these foreground runs came from, labelled.
    func complement(width: Int, eightConnected: Bool) -> RowRuns {
        RowRuns(complementOf: (rowStart, start, end), width: width, eightConnected: eightConnected)
    }

    /// Labels runs given row by row (each row's runs sorted and disjoint).
    init(rowStart: [Int], start: [Int32], end: [Int32], eightConnected: Bool) {
        let h = rowStart.count - 1
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

    /// Calls `body(start, end)` for each run of non-zero bytes in one row, stepping over 32
    /// uniform bytes, then 8, at a time.
    @inline(__always)
    static func scanForeground(_ row: UnsafePointer<UInt8>, width w: Int, _ body: (Int, Int) -> Void) {
        let raw = UnsafeRawPointer(row)
        let highBits: UInt64 = 0x8080_8080_8080_8080, ones: UInt64 = 0x0101_0101_0101_0101
        @inline(__always) func word(_ x: Int) -> UInt64 { raw.loadUnaligned(fromByteOffset: x, as: UInt64.self) }
        var x = 0
        while x < w {
            // The next foreground pixel: whole empty blocks first, then words, then bytes.
            while x + 32 <= w && (word(x) | word(x + 8) | word(x + 16) | word(x + 24)) == 0 { x += 32 }
            while x + 8 <= w {
                let nz = RLEBoundaryScan.nonZeroBytes(word(x))
                if nz != 0 {
                    x += nz.trailingZeroBitCount >> 3
                    break
                }
                x += 8
            }
            while x < w && row[x] == 0 { x += 1 }
            if x >= w { return }
            let s = x
            // Its end: the next zero byte. Whole blocks first: if the AND of four words has bit 0
            // set in every byte, every byte is non-zero.
            while x + 32 <= w && (word(x) & word(x + 8) & word(x + 16) & word(x + 24) & ones) == ones { x += 32 }
            while x + 8 <= w {
                let v = word(x)
                if v != ones {
                    let zero = ~RLEBoundaryScan.nonZeroBytes(v) & highBits
                    if zero != 0 {
                        x += zero.trailingZeroBitCount >> 3
                        break
                    }
                }
                x += 8
            }
            while x < w && row[x] != 0 { x += 1 }
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
