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

    private static func integerFactor(
        _ src: UnsafeBufferPointer<UInt8>, stride: Int, channels: Int,
        toWidth outWidth: Int, height outHeight: Int, factorX: Int, factorY: Int
    ) -> [UInt8] {
        let rowBytes = outWidth * channels
        var out = [UInt8](repeating: 0, count: rowBytes * outHeight)
        var sums = [Int32](repeating: 0, count: rowBytes)
        let halfUp = factorX == 2 && factorY == 2
        let scale = 1 as Float / Float(factorX * factorY)
        guard let s = src.baseAddress else { return out }
        out.withUnsafeMutableBufferPointer { outBuf in
            sums.withUnsafeMutableBufferPointer { sumBuf in
                let acc = sumBuf.baseAddress!
                for dy in 0..<outHeight {
                    for e in 0..<rowBytes { acc[e] = 0 }
                    for sy in 0..<factorY {
                        let row = s + (dy * factorY + sy) * stride
                        var p = row
                        for dx in 0..<outWidth {
                            let a = acc + dx * channels
                            for _ in 0..<factorX {
                                for c in 0..<channels { a[c] &+= Int32(p[c]) }
                                p += channels
                            }
                        }
                    }
                    let o = outBuf.baseAddress! + dy * rowBytes
                    if halfUp {
                        for e in 0..<rowBytes { o[e] = UInt8(truncatingIfNeeded: (acc[e] &+ 2) >> 2) }
                    } else {
                        for e in 0..<rowBytes { o[e] = roundToByte(Float(acc[e]) * scale) }
                    }
                }
            }
        }
        return out
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
        let r = v.rounded(.toNearestOrEven)
        return r <= 0 ? 0 : (r >= 255 ? 255 : UInt8(r))
    }
}
