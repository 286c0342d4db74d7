/// Shrinking by pixel-area averaging with OpenCV's `INTER_AREA` arithmetic, so results equal
/// `cv2.resize(…, interpolation=cv2.INTER_AREA)` byte for byte.
///
/// OpenCV takes one of two routes and rounds differently on each, so both are reproduced:
/// - integer factors (checked on `1 / (out / in)` in double precision, as OpenCV does): exact
///   block sums; 2 × 2 blocks round half up (`(s + 2) >> 2`), other blocks round
///   `Float(s) · (1 / area)` half to even;
/// - any other factor: single-precision weights per source row and column (partial pixels at
///   block edges weigh by their covered fraction), accumulated in OpenCV's order, rounded half to
///   even.
enum AreaResampler {
    /// Area-averages a plane down to `outWidth × outHeight` (each ≤ the source's). Output is packed.
    static func shrink(
        _ src: UnsafeBufferPointer<UInt8>, width: Int, height: Int, stride: Int, channels: Int,
        toWidth outWidth: Int, height outHeight: Int
    ) -> [UInt8] {
        let scaleX = 1.0 / (Double(outWidth) / Double(width))
        let scaleY = 1.0 / (Double(outHeight) / Double(height))
        let factorX = Int(scaleX.rounded(.toNearestOrEven)), factorY = Int(scaleY.rounded(.toNearestOrEven))
        if abs(scaleX - Double(factorX)) < Double.ulpOfOne, abs(scaleY - Double(factorY)) < Double.ulpOfOne,
           outWidth * factorX <= width, outHeight * factorY <= height {
            return integerFactor(src, stride: stride, channels: channels, toWidth: outWidth, height: outHeight,
                                 factorX: factorX, factorY: factorY)
        }
        return fractionalFactor(src, width: width, height: height, stride: stride, channels: channels,
                                toWidth: outWidth, height: outHeight, scaleX: scaleX, scaleY: scaleY)
    }

    /// Block averages: first the factorY source rows are summed column-wise (a contiguous,
    /// vectorisable pass), then each output sample adds factorX neighbours of that row sum.
    private static func integerFactor(
        _ src: UnsafeBufferPointer<UInt8>, stride: Int, channels: Int,
        toWidth outWidth: Int, height outHeight: Int, factorX: Int, factorY: Int
    ) -> [UInt8] {
        let rowBytes = outWidth * channels
        let usedBytes = rowBytes * factorX
        var out = [UInt8](repeating: 0, count: rowBytes * outHeight)
        guard let s = src.baseAddress else { return out }
        if factorX == 2 && factorY == 2 {
            halve(s, stride: stride, channels: channels, rowBytes: rowBytes, outHeight: outHeight, into: &out)
            return out
        }
        var columnSums = [UInt32](repeating: 0, count: usedBytes)
        let scale = 1 as Float / Float(factorX * factorY)
        let step = factorX * channels
        out.withUnsafeMutableBufferPointer { outBuf in
            columnSums.withUnsafeMutableBufferPointer { sumBuf in
                let v = sumBuf.baseAddress!
                for dy in 0..<outHeight {
                    let first = s + dy * factorY * stride
                    for e in 0..<usedBytes { v[e] = UInt32(first[e]) }
                    for sy in 1..<factorY {
                        let row = first + sy * stride
                        for e in 0..<usedBytes { v[e] &+= UInt32(row[e]) }
                    }
                    // Fold the factorX samples of each block onto its first one, then read those.
                    for sx in 1..<factorX {
                        let shifted = v + sx * channels
                        var e = 0
                        while e < usedBytes {
                            for c in 0..<channels { v[e &+ c] &+= shifted[e &+ c] }
                            e &+= step
                        }
                    }
                    let o = outBuf.baseAddress! + dy * rowBytes
                    for dx in 0..<outWidth {
                        let block = v + dx &* step, d = o + dx &* channels
                        for c in 0..<channels { d[c] = roundToByte(Float(block[c]) * scale) }
                    }
                }
            }
        }
        return out
    }

    /// 2 × 2 blocks, OpenCV's `(a + b + c + d + 2) >> 2`: rows summed pairwise in 16 bits, then
    /// neighbouring pixels added in place, then every other pixel kept.
    private static func halve(
        _ s: UnsafePointer<UInt8>, stride: Int, channels: Int, rowBytes: Int, outHeight: Int, into out: inout [UInt8]
    ) {
        let usedBytes = rowBytes * 2
        // Two separate scratch rows (not one updated in place) so the loops carry no dependence
        // the vectoriser would have to prove away.
        let p = UnsafeMutablePointer<UInt16>.allocate(capacity: usedBytes + channels)
        let v = UnsafeMutablePointer<UInt16>.allocate(capacity: usedBytes)
        defer { p.deallocate(); v.deallocate() }
        (p + usedBytes).initialize(repeating: 0, count: channels)
        let ahead = p + channels
        out.withUnsafeMutableBufferPointer { outBuf in
            for dy in 0..<outHeight {
                let top = s + 2 * dy * stride, bottom = top + stride
                for e in 0..<usedBytes { p[e] = UInt16(top[e]) &+ UInt16(bottom[e]) &+ 1 }
                // Adding the column pair one pixel ahead gives the 2 × 2 total (+2) wherever e
                // starts a block; the other entries are never read.
                for e in 0..<usedBytes { v[e] = (p[e] &+ ahead[e]) >> 2 }
                let o = outBuf.baseAddress! + dy * rowBytes
                switch channels {
                case 1:
                    for dx in 0..<rowBytes { o[dx] = UInt8(truncatingIfNeeded: v[dx &* 2]) }
                case 3:
                    for dx in 0..<(rowBytes / 3) {
                        let b = v + dx &* 6, d = o + dx &* 3
                        d[0] = UInt8(truncatingIfNeeded: b[0])
                        d[1] = UInt8(truncatingIfNeeded: b[1])
                        d[2] = UInt8(truncatingIfNeeded: b[2])
                    }
                default:
                    for dx in 0..<(rowBytes / channels) {
                        let b = v + dx &* 2 &* channels, d = o + dx &* channels
                        for c in 0..<channels { d[c] = UInt8(truncatingIfNeeded: b[c]) }
                    }
                }
            }
        }
    }

    /// One output sample's share of one source sample (OpenCV's `DecimateAlpha`).
    private struct Tap {
        var destination: Int
        var source: Int
        var weight: Float
    }

    /// OpenCV's `computeResizeAreaTab`, in the same double-precision steps.
    private static func taps(inSize: Int, outSize: Int, scale: Double) -> [Tap] {
        var taps: [Tap] = []
        taps.reserveCapacity(inSize * 2)
        for d in 0..<outSize {
            let fs1 = Double(d) * scale
            let fs2 = fs1 + scale
            let cellWidth = min(scale, Double(inSize) - fs1)
            var s2 = Int(fs2.rounded(.down))
            var s1 = Int(fs1.rounded(.up))
            s2 = min(s2, inSize - 1)
            s1 = min(s1, s2)
            if Double(s1) - fs1 > 1e-3 {
                taps.append(Tap(destination: d, source: s1 - 1, weight: Float((Double(s1) - fs1) / cellWidth)))
            }
            for s in s1..<max(s1, s2) {
                taps.append(Tap(destination: d, source: s, weight: Float(1.0 / cellWidth)))
            }
            if fs2 - Double(s2) > 1e-3 {
                let w = min(min(fs2 - Double(s2), 1.0), cellWidth) / cellWidth
                taps.append(Tap(destination: d, source: s2, weight: Float(w)))
            }
        }
        return taps
    }

    private static func fractionalFactor(
        _ src: UnsafeBufferPointer<UInt8>, width: Int, height: Int, stride: Int, channels: Int,
        toWidth outWidth: Int, height outHeight: Int, scaleX: Double, scaleY: Double
    ) -> [UInt8] {
        let xTaps = taps(inSize: width, outSize: outWidth, scale: scaleX)
        let yTaps = taps(inSize: height, outSize: outHeight, scale: scaleY)
        let rowBytes = outWidth * channels
        var out = [UInt8](repeating: 0, count: rowBytes * outHeight)
        var rowBuffer = [Float](repeating: 0, count: rowBytes)
        var sumBuffer = [Float](repeating: 0, count: rowBytes)
        guard let s = src.baseAddress, !yTaps.isEmpty else { return out }
        out.withUnsafeMutableBufferPointer { outBuf in
            rowBuffer.withUnsafeMutableBufferPointer { rb in
                sumBuffer.withUnsafeMutableBufferPointer { sb in
                    xTaps.withUnsafeBufferPointer { xt in
                        let buf = rb.baseAddress!, sum = sb.baseAddress!
                        var previous = yTaps[0].destination
                        for yTap in yTaps {
                            // Horizontal: this source row's contribution to every output column.
                            for e in 0..<rowBytes { buf[e] = 0 }
                            let row = s + yTap.source * stride
                            for t in xt {
                                let p = row + t.source * channels, b = buf + t.destination * channels
                                for c in 0..<channels { b[c] = b[c] + Float(p[c]) * t.weight }
                            }
                            let beta = yTap.weight
                            if yTap.destination != previous {
                                let o = outBuf.baseAddress! + previous * rowBytes
                                for e in 0..<rowBytes {
                                    o[e] = roundToByte(sum[e])
                                    sum[e] = beta * buf[e]
                                }
                                previous = yTap.destination
                            } else {
                                for e in 0..<rowBytes { sum[e] = sum[e] + beta * buf[e] }
                            }
                        }
                        let o = outBuf.baseAddress! + previous * rowBytes
                        for e in 0..<rowBytes { o[e] = roundToByte(sum[e]) }
                    }
                }
            }
        }
        return out
    }

    /// OpenCV's `saturate_cast<uchar>(float)`: round half to even, then clamp.
    @inline(__always)
    private static func roundToByte(_ v: Float) -> UInt8 {
        // Adding and removing 1.5·2^23 rounds half to even in the default rounding mode for
        // |v| < 2^22 without a libm call, so the loop stays vectorisable on baseline x86-64.
        let magic: Float = 12_582_912
        let r = (v + magic) - magic
        return r <= 0 ? 0 : (r >= 255 ? 255 : UInt8(r))
    }
}
