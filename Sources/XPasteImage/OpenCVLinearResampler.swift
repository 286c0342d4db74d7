/// OpenCV's `cv2.resize(…, interpolation=INTER_LINEAR)` on 8-bit data, bit for bit: two taps per
/// axis, no antialiasing, 11-bit weights (`INTER_RESIZE_COEF_BITS`), the horizontal pass kept as
/// integers.
///
/// OpenCV's 8-bit vertical pass does not round the exact 22-bit sum: it shifts each horizontal sum
/// right by 4, keeps the high 16 bits of its product with the 11-bit weight, adds the two and
/// rounds by 2 bits (`VResizeLinearVec_32s8u` and the scalar `VResizeLinear<uchar>` alike), which
/// is up to one level off the exact rounding; that is reproduced. An exact halving on both axes is
/// OpenCV's `INTER_AREA` (it switches there itself).
enum OpenCVLinearResampler {
    /// Weight scale: 2^11.
    static let one: Int32 = 2048

    /// One axis: the first source index and its two weights per output index.
    struct Axis {
        var index: [Int]
        var w0: [Int32]
        var w1: [Int32]
    }

    /// OpenCV's coefficients: `f = float((d + 0.5)·in/out − 0.5)`, index ⌊f⌋, weights
    /// `round(2048·(1 − t))`, `round(2048·t)` (half to even, as `saturate_cast<short>`), the index
    /// clamped to the edges with `t = 0` there.
    static func axis(inSize: Int, outSize: Int, clampIndex: Bool) -> Axis {
        let scale = 1.0 / (Double(outSize) / Double(inSize))
        var axis = Axis(index: [], w0: [], w1: [])
        for d in 0..<outSize {
            var f = Float((Double(d) + 0.5) * scale - 0.5)
            var i = Int(f.rounded(.down))
            f -= Float(i)
            if clampIndex {
                if i < 0 { f = 0; i = 0 }
                if i >= inSize - 1 { f = 0; i = inSize - 1 }
            }
            axis.index.append(i)
            axis.w0.append(Int32(((1 - f) * Float(one)).rounded(.toNearestOrEven)))
            axis.w1.append(Int32((f * Float(one)).rounded(.toNearestOrEven)))
        }
        return axis
    }

    /// Resizes one interleaved plane; `stride` is the source row length in bytes. Output is packed.
    static func resize(
        _ src: UnsafeBufferPointer<UInt8>, width: Int, height: Int, stride: Int, channels: Int,
        toWidth outWidth: Int, height outHeight: Int
    ) -> [UInt8] {
        if width == 2 * outWidth, height == 2 * outHeight {
            return ImageResizer.resize(src, width: width, height: height, stride: stride, channels: channels,
                                       toWidth: outWidth, height: outHeight, filter: .area)
        }
        let ax = axis(inSize: width, outSize: outWidth, clampIndex: true)
        // Rows are not clamped in the coefficients; the row fetch clamps the index instead.
        let ay = axis(inSize: height, outSize: outHeight, clampIndex: false)
        let rowWidth = outWidth * channels
        var out = [UInt8](repeating: 0, count: rowWidth * outHeight)
        var rowCache: [Int: [Int32]] = [:]
        func horizontal(_ y: Int) -> [Int32] {
            if let row = rowCache[y] { return row }
            var row = [Int32](repeating: 0, count: rowWidth)
            let base = y * stride
            for dx in 0..<outWidth {
                let sx = ax.index[dx], a0 = ax.w0[dx], a1 = ax.w1[dx]
                let next = min(sx + 1, width - 1)
                for c in 0..<channels {
                    row[dx * channels + c] = Int32(src[base + sx * channels + c]) * a0 + Int32(src[base + next * channels + c]) * a1
                }
            }
            rowCache[y] = row
            return row
        }
        for dy in 0..<outHeight {
            let y0 = min(max(ay.index[dy], 0), height - 1), y1 = min(max(ay.index[dy] + 1, 0), height - 1)
            let s0 = horizontal(y0), s1 = horizontal(y1)
            let b0 = ay.w0[dy], b1 = ay.w1[dy]
            let o = dy * rowWidth
            for x in 0..<rowWidth {
                let p0 = ((s0[x] >> 4) * b0) >> 16, p1 = ((s1[x] >> 4) * b1) >> 16
                out[o + x] = UInt8(clamping: (p0 + p1 + 2) >> 2)
            }
            if rowCache.count > 4 { rowCache = rowCache.filter { $0.key >= y0 } }
        }
        return out
    }
}
