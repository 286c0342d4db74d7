extension RLE {
    /// Encodes a row-major binary mask, giving exactly pycocotools
    /// `mask.encode(np.asfortranarray(mask))`.
    ///
    /// Rather than walking the mask column by column (a cache miss per pixel), this works on rows:
    /// a column-major run boundary at (x, y), y ≥ 1, is exactly a byte where row y differs from
    /// row y − 1, which a word-wide XOR finds eight pixels at a time (32 equal bytes are skipped
    /// at once). One pass records each boundary's column and counts them per column; a counting
    /// sort by column then leaves their column-major indices sorted, and the counts are the gaps
    /// between consecutive boundaries.
    ///
    /// COCO counts are 32-bit, so masks hold fewer than 2³² pixels (65536 × 65535 at most).
    public init(encoding mask: BinaryMask) {
        let w = mask.width, h = mask.height, n = w * h
        precondition(n <= Int(UInt32.max), "a \(w)×\(h) mask has too many pixels for COCO's 32-bit RLE counts")
        guard n > 0 else {
            self.init(unchecked: h, width: w, counts: [0])
            return
        }
        var columns: [UInt32] = []
        var rowStart = [Int](repeating: 0, count: h + 1)
        var slot = [Int](repeating: 0, count: w + 1)
        mask.bits.withUnsafeBufferPointer { bits in
            slot.withUnsafeMutableBufferPointer { slot in
                RLEBoundaryScan.forEachBoundary(bits.baseAddress!, width: w, height: h, rowDone: { y in
                    rowStart[y + 1] = columns.count
                }) { x in
                    columns.append(UInt32(truncatingIfNeeded: x))
                    slot[x + 1] += 1
                }
            }
        }
        let total = columns.count
        var counts = [UInt32](repeating: 0, count: total + 1)
        counts.withUnsafeMutableBufferPointer { out in
            slot.withUnsafeMutableBufferPointer { slot in
                for x in 0..<w { slot[x + 1] += slot[x] }
                columns.withUnsafeBufferPointer { columns in
                    let hh = UInt32(truncatingIfNeeded: h)
                    for y in 0..<h {
                        for i in rowStart[y]..<rowStart[y + 1] {
                            let x = Int(columns[i])
                            out[slot[x]] = UInt32(truncatingIfNeeded: x) &* hh &+ UInt32(truncatingIfNeeded: y)
                            slot[x] += 1
                        }
                    }
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

    /// Calls `body(x)` for every pixel of row y whose value differs from the pixel before it in
    /// column-major order (the pixel before (0, 0) counts as background), row by row, then
    /// `rowDone(y)`.
    @inline(__always)
    static func forEachBoundary(_ bits: UnsafePointer<UInt8>, width w: Int, height h: Int,
                                rowDone: (Int) -> Void, _ body: (Int) -> Void) {
        // Row 0: the pixel before (x, 0) is the bottom of the previous column.
        var previous = false
        for x in 0..<w {
            let v = bits[x] != 0
            if v != previous { body(x) }
            previous = bits[(h - 1) * w + x] != 0
        }
        rowDone(0)
        guard h > 1 else { return }
        for y in 1..<h {
            let row = UnsafeRawPointer(bits + y * w), above = UnsafeRawPointer(bits + (y - 1) * w)
            var x = 0
            while x + 32 <= w {
                // Most rows of an object mask equal the row above: skip 32 equal bytes at once.
                let d0 = row.loadUnaligned(fromByteOffset: x, as: UInt64.self) ^ above.loadUnaligned(fromByteOffset: x, as: UInt64.self)
                let d1 = row.loadUnaligned(fromByteOffset: x + 8, as: UInt64.self) ^ above.loadUnaligned(fromByteOffset: x + 8, as: UInt64.self)
                let d2 = row.loadUnaligned(fromByteOffset: x + 16, as: UInt64.self) ^ above.loadUnaligned(fromByteOffset: x + 16, as: UInt64.self)
                let d3 = row.loadUnaligned(fromByteOffset: x + 24, as: UInt64.self) ^ above.loadUnaligned(fromByteOffset: x + 24, as: UInt64.self)
                if (d0 | d1 | d2 | d3) != 0 {
                    if d0 != 0 { wordBoundaries(row, above, x, body) }
                    if d1 != 0 { wordBoundaries(row, above, x + 8, body) }
                    if d2 != 0 { wordBoundaries(row, above, x + 16, body) }
                    if d3 != 0 { wordBoundaries(row, above, x + 24, body) }
                }
                x += 32
            }
            while x + 8 <= w {
                wordBoundaries(row, above, x, body)
                x += 8
            }
            let r = row.assumingMemoryBound(to: UInt8.self), a = above.assumingMemoryBound(to: UInt8.self)
            while x < w {
                if (r[x] != 0) != (a[x] != 0) { body(x) }
                x += 1
            }
            rowDone(y)
        }
    }

    /// The boundaries among the eight pixels at x of one row, compared with the row above.
    @inline(__always)
    static func wordBoundaries(_ row: UnsafeRawPointer, _ above: UnsafeRawPointer, _ x: Int, _ body: (Int) -> Void) {
        var d = nonZeroBytes(row.loadUnaligned(fromByteOffset: x, as: UInt64.self))
            ^ nonZeroBytes(above.loadUnaligned(fromByteOffset: x, as: UInt64.self))
        while d != 0 {
            body(x + d.trailingZeroBitCount >> 3)
            d &= d &- 1
        }
    }
}
