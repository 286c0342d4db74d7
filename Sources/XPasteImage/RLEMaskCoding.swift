extension RLE {
    /// Encodes a row-major binary mask, giving exactly pycocotools
    /// `mask.encode(np.asfortranarray(mask))`.
    ///
    /// Rather than walking the mask column by column (a cache miss per pixel), this works on rows:
    /// a column-major run boundary at (x, y), y ≥ 1, is exactly a byte where row y differs from
    /// row y − 1, which a word-wide XOR finds eight pixels at a time. A first pass counts the
    /// boundaries per column, a second drops each one's column-major index into its column's slot,
    /// which leaves them sorted; the counts are the gaps between consecutive boundaries.
    public init(encoding mask: BinaryMask) {
        let w = mask.width, h = mask.height, n = w * h
        guard n > 0 else {
            self.init(unchecked: h, width: w, counts: [0])
            return
        }
        let counts = mask.bits.withUnsafeBufferPointer { bits -> [UInt32] in
            let base = bits.baseAddress!
            // Slot start per column, from the per-column boundary count.
            var start = [Int](repeating: 0, count: w + 1)
            start.withUnsafeMutableBufferPointer { start in
                RLEBoundaryScan.forEachBoundary(base, width: w, height: h) { x, _ in start[x + 1] += 1 }
                for x in 0..<w { start[x + 1] += start[x] }
            }
            let total = start[w]
            var counts = [UInt32](repeating: 0, count: total + 1)
            counts.withUnsafeMutableBufferPointer { out in
                start.withUnsafeMutableBufferPointer { cursor in
                    let hh = UInt32(h)
                    RLEBoundaryScan.forEachBoundary(base, width: w, height: h) { x, y in
                        out[cursor[x]] = UInt32(x) &* hh &+ UInt32(y)
                        cursor[x] += 1
                    }
                }
                // Boundary positions → run lengths, last to first so each gap reads an unchanged value.
                out[total] = UInt32(n)
                var i = total
                while i > 0 {
                    out[i] -= out[i - 1]
                    i -= 1
                }
            }
            return counts
        }
        self.init(unchecked: h, width: w, counts: counts)
    }

    /// Decodes to a row-major binary mask (pycocotools `decode`, transposed to row-major).
    ///
    /// Mirrors the encoder: row 0 gets each column's starting value, every other run boundary
    /// toggles its pixel, and a running XOR down the rows (eight pixels per operation) fills the
    /// runs in.
    public func decode() -> BinaryMask {
        var out = BinaryMask(width: width, height: height)
        let w = width, h = height, n = w * h
        guard n > 0 else { return out }
        counts.withUnsafeBufferPointer { counts in
            out.bits.withUnsafeMutableBufferPointer { o in
                var pos = 0
                var value = false
                for c in counts {
                    let end = pos + Int(c)
                    if value && end > pos {
                        var x = (pos + h - 1) / h
                        while x * h < end {
                            o[x] = 1
                            x += 1
                        }
                    }
                    if end < n {
                        let x = end / h, y = end - x * h
                        if y != 0 { o[y * w + x] ^= 1 }
                    }
                    value.toggle()
                    pos = end
                }
                let p = o.baseAddress!
                for y in 1..<max(h, 1) {
                    let row = p + y * w, above = UnsafePointer(p + (y - 1) * w)
                    var x = 0
                    while x + 8 <= w {
                        let v = UnsafeRawPointer(row + x).loadUnaligned(as: UInt64.self)
                            ^ UnsafeRawPointer(above + x).loadUnaligned(as: UInt64.self)
                        UnsafeMutableRawPointer(row + x).storeBytes(of: v, as: UInt64.self)
                        x += 8
                    }
                    while x < w {
                        row[x] ^= above[x]
                        x += 1
                    }
                }
            }
        }
        return out
    }
}

/// Finds the column-major run boundaries of a row-major mask, row by row.
enum RLEBoundaryScan {
    /// High bit of every byte that is non-zero in `v`, so masks holding 0/255 or other non-zero
    /// foreground bytes compare equal to 0/1 ones.
    @inline(__always)
    static func nonZeroBytes(_ v: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7f7f_7f7f_7f7f_7f7f
        return (((v & low7) &+ low7) | v) & 0x8080_8080_8080_8080
    }

    /// Calls `body(x, y)` for every pixel whose value differs from the pixel before it in
    /// column-major order (the pixel before (0, 0) counts as background), in row-major order.
    @inline(__always)
    static func forEachBoundary(_ bits: UnsafePointer<UInt8>, width w: Int, height h: Int,
                                _ body: (Int, Int) -> Void) {
        // Row 0: the pixel before (x, 0) is the bottom of the previous column.
        var previous = false
        for x in 0..<w {
            let v = bits[x] != 0
            if v != previous { body(x, 0) }
            previous = bits[(h - 1) * w + x] != 0
        }
        guard h > 1 else { return }
        for y in 1..<h {
            let row = bits + y * w, above = bits + (y - 1) * w
            var x = 0
            while x + 8 <= w {
                var d = nonZeroBytes(UnsafeRawPointer(row + x).loadUnaligned(as: UInt64.self))
                    ^ nonZeroBytes(UnsafeRawPointer(above + x).loadUnaligned(as: UInt64.self))
                while d != 0 {
                    body(x + d.trailingZeroBitCount >> 3, y)
                    d &= d &- 1
                }
                x += 8
            }
            while x < w {
                if (row[x] != 0) != (above[x] != 0) { body(x, y) }
                x += 1
            }
        }
    }
}
