/// The resize kernels behind `Image.resized`, `Mask.resized` and `BinaryMask.resized`.
///
/// Everything works on interleaved 8-bit planes (1, 3 or 4 channels) through unsafe pointers, with
/// per-axis coefficient tables computed once and integer arithmetic in the loops.
enum ImageResizer {
    /// Throws unless both the source and the target have pixels.
    static func checkSizes(from width: Int, _ height: Int, to outWidth: Int, _ outHeight: Int) throws(ImageError) {
        guard outWidth > 0, outHeight > 0 else {
            throw ImageError.invalidGeometry("resize target \(outWidth)×\(outHeight) has no pixels")
        }
        guard width > 0, height > 0 else {
            throw ImageError.invalidGeometry("cannot resize an empty \(width)×\(height) source")
        }
    }

    /// Resizes one interleaved plane; `stride` is the source row length in bytes. Output is packed.
    static func resize(
        _ src: UnsafeBufferPointer<UInt8>, width: Int, height: Int, stride: Int, channels: Int,
        toWidth outWidth: Int, height outHeight: Int, filter: ResizeFilter
    ) -> [UInt8] {
        switch filter {
        case .nearest:
            return nearest(src, width: width, height: height, stride: stride, channels: channels,
                           toWidth: outWidth, height: outHeight)
        case .bilinear, .bicubic, .lanczos:
            let kernel: PillowKernel = filter == .bicubic ? .bicubic : filter == .lanczos ? .lanczos : .triangle
            let h = outWidth == width ? nil : ResampleTable.pillow(inSize: width, outSize: outWidth, kernel: kernel)
            let v = outHeight == height ? nil : ResampleTable.pillow(inSize: height, outSize: outHeight, kernel: kernel)
            return separable(src, width: width, height: height, stride: stride, channels: channels,
                             horizontal: h, vertical: v)
        case .linear:
            return OpenCVLinearResampler.resize(src, width: width, height: height, stride: stride, channels: channels,
                                                toWidth: outWidth, height: outHeight)
        case .area:
            if outWidth <= width && outHeight <= height {
                return AreaResampler.shrink(src, width: width, height: height, stride: stride, channels: channels,
                                            toWidth: outWidth, height: outHeight)
            }
            let h = outWidth == width ? nil : ResampleTable.openCVAreaEnlarge(inSize: width, outSize: outWidth)
            let v = outHeight == height ? nil : ResampleTable.openCVAreaEnlarge(inSize: height, outSize: outHeight)
            return separable(src, width: width, height: height, stride: stride, channels: channels,
                             horizontal: h, vertical: v)
        }
    }

    /// Pillow's two-pass scheme: a horizontal pass over only the source rows the vertical pass will
    /// read, rounded and clipped to 8 bits, then the vertical pass. A nil table skips that axis.
    static func separable(
        _ src: UnsafeBufferPointer<UInt8>, width: Int, height: Int, stride: Int, channels: Int,
        horizontal: ResampleTable?, vertical: ResampleTable?
    ) -> [UInt8] {
        let outWidth = horizontal?.outSize ?? width
        guard let srcBase = src.baseAddress else { return [] }
        guard let horizontal else {
            guard let vertical else { return packedCopy(src, width: width, height: height, stride: stride, channels: channels) }
            return verticalPass(srcBase, stride: stride, rowBytes: width * channels, rowOffset: 0, table: vertical)
        }
        // Only rows firstRow ..< lastRow feed the vertical pass; skip the rest like Pillow does.
        let firstRow = vertical.map { $0.start[0] } ?? 0
        let lastRow = vertical.map { $0.start[$0.outSize - 1] + $0.count[$0.outSize - 1] } ?? height
        let tmpRowBytes = outWidth * channels
        var tmp = [UInt8](repeating: 0, count: tmpRowBytes * (lastRow - firstRow))
        tmp.withUnsafeMutableBufferPointer { dst in
            horizontal.start.withUnsafeBufferPointer { starts in
                horizontal.count.withUnsafeBufferPointer { counts in
                    horizontal.weights.withUnsafeBufferPointer { weights in
                        for y in firstRow..<lastRow {
                            horizontalRow(srcBase + y * stride, dst.baseAddress! + (y - firstRow) * tmpRowBytes,
                                          channels: channels, outSize: outWidth, taps: horizontal.taps,
                                          starts: starts.baseAddress!, counts: counts.baseAddress!,
                                          weights: weights.baseAddress!)
                        }
                    }
                }
            }
        }
        guard let vertical else { return tmp }
        return tmp.withUnsafeBufferPointer { t in
            verticalPass(t.baseAddress!, stride: tmpRowBytes, rowBytes: tmpRowBytes, rowOffset: firstRow, table: vertical)
        }
    }

    /// Clips a 22-bit fixed-point accumulator to a byte the way Pillow's `clip8` does (floor, clamp).
    @inline(__always)
    static func clip8(_ acc: Int32) -> UInt8 {
        UInt8(clamping: acc >> ResampleTable.precisionBits)
    }

    // The channel count is a loop-invariant branch hoisted out of the pixel loop; each arm keeps its
    // accumulators in registers.
    @inline(__always)
    private static func horizontalRow(
        _ s: UnsafePointer<UInt8>, _ d: UnsafeMutablePointer<UInt8>, channels: Int, outSize: Int, taps: Int,
        starts: UnsafePointer<Int>, counts: UnsafePointer<Int>, weights: UnsafePointer<Int32>
    ) {
        let half: Int32 = 1 << (ResampleTable.precisionBits - 1)
        switch channels {
        case 1:
            for xx in 0..<outSize {
                let k = weights + xx * taps
                let p = s + starts[xx]
                var a0 = half
                for i in 0..<counts[xx] { a0 &+= Int32(p[i]) &* k[i] }
                d[xx] = clip8(a0)
            }
        case 3:
            for xx in 0..<outSize {
                let k = weights + xx * taps
                var p = s + starts[xx] * 3
                var a0 = half, a1 = half, a2 = half
                for i in 0..<counts[xx] {
                    let w = k[i]
                    a0 &+= Int32(p[0]) &* w
                    a1 &+= Int32(p[1]) &* w
                    a2 &+= Int32(p[2]) &* w
                    p += 3
                }
                let o = d + xx * 3
                o[0] = clip8(a0); o[1] = clip8(a1); o[2] = clip8(a2)
            }
        default:
            precondition(channels == 4, "unsupported channel count \(channels)")
            for xx in 0..<outSize {
                let k = weights + xx * taps
                var p = s + starts[xx] * 4
                var a0 = half, a1 = half, a2 = half, a3 = half
                for i in 0..<counts[xx] {
                    let w = k[i]
                    a0 &+= Int32(p[0]) &* w
                    a1 &+= Int32(p[1]) &* w
                    a2 &+= Int32(p[2]) &* w
                    a3 &+= Int32(p[3]) &* w
                    p += 4
                }
                let o = d + xx * 4
                o[0] = clip8(a0); o[1] = clip8(a1); o[2] = clip8(a2); o[3] = clip8(a3)
            }
        }
    }

    /// Vertical pass: each output row is a weighted sum of whole source rows, accumulated row by row
    /// into a 32-bit buffer so the inner loop is a straight widening multiply-add the compiler
    /// vectorises. `rowOffset` is subtracted from the table's row indices (the horizontal pass
    /// produced only the rows from there on).
    private static func verticalPass(
        _ src: UnsafePointer<UInt8>, stride: Int, rowBytes: Int, rowOffset: Int, table: ResampleTable
    ) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: rowBytes * table.outSize)
        var acc = [Int32](repeating: 0, count: rowBytes)
        let half: Int32 = 1 << (ResampleTable.precisionBits - 1)
        out.withUnsafeMutableBufferPointer { outBuf in
            acc.withUnsafeMutableBufferPointer { accBuf in
                table.weights.withUnsafeBufferPointer { weights in
                    let a = accBuf.baseAddress!
                    for yy in 0..<table.outSize {
                        for e in 0..<rowBytes { a[e] = half }
                        let k = weights.baseAddress! + yy * table.taps
                        let first = table.start[yy] - rowOffset
                        for i in 0..<table.count[yy] {
                            let w = k[i]
                            let row = src + (first + i) * stride
                            for e in 0..<rowBytes { a[e] &+= Int32(row[e]) &* w }
                        }
                        let o = outBuf.baseAddress! + yy * rowBytes
                        for e in 0..<rowBytes { o[e] = clip8(a[e]) }
                    }
                }
            }
        }
        return out
    }

    /// Nearest neighbour with Pillow's index rule on both axes.
    static func nearest(
        _ src: UnsafeBufferPointer<UInt8>, width: Int, height: Int, stride: Int, channels: Int,
        toWidth outWidth: Int, height outHeight: Int
    ) -> [UInt8] {
        let xs = pillowNearestIndices(inSize: width, outSize: outWidth)
        let ys = pillowNearestIndices(inSize: height, outSize: outHeight)
        let rowBytes = outWidth * channels
        var out = [UInt8](repeating: 0, count: rowBytes * outHeight)
        guard let s = src.baseAddress else { return out }
        out.withUnsafeMutableBufferPointer { outBuf in
            xs.withUnsafeBufferPointer { xi in
                for y in 0..<outHeight {
                    let row = s + ys[y] * stride
                    let o = outBuf.baseAddress! + y * rowBytes
                    switch channels {
                    case 1:
                        for x in 0..<outWidth { o[x] = row[xi[x]] }
                    case 3:
                        for x in 0..<outWidth {
                            let p = row + xi[x] * 3, q = o + x * 3
                            q[0] = p[0]; q[1] = p[1]; q[2] = p[2]
                        }
                    default:
                        for x in 0..<outWidth {
                            let p = row + xi[x] * channels, q = o + x * channels
                            for c in 0..<channels { q[c] = p[c] }
                        }
                    }
                }
            }
        }
        return out
    }

    /// A packed copy of a possibly strided plane.
    static func packedCopy(
        _ src: UnsafeBufferPointer<UInt8>, width: Int, height: Int, stride: Int, channels: Int
    ) -> [UInt8] {
        let rowBytes = width * channels
        var out = [UInt8](repeating: 0, count: rowBytes * height)
        guard let s = src.baseAddress, rowBytes > 0 else { return out }
        out.withUnsafeMutableBufferPointer { dst in
            for y in 0..<height { (dst.baseAddress! + y * rowBytes).update(from: s + y * stride, count: rowBytes) }
        }
        return out
    }

    /// Straight → premultiplied alpha, Pillow's RGBA → RGBa rule: c·a/255 rounded via
    /// `t = c·a + 128; (t + t>>8) >> 8`. Returns a packed buffer.
    static func premultiplied(_ src: UnsafeBufferPointer<UInt8>, width: Int, height: Int, stride: Int) -> [UInt8] {
        var out = packedCopy(src, width: width, height: height, stride: stride, channels: 4)
        out.withUnsafeMutableBufferPointer { buf in
            let p = buf.baseAddress!
            for i in Swift.stride(from: 0, to: buf.count, by: 4) {
                let a = UInt32(p[i + 3])
                for c in 0..<3 {
                    let t = UInt32(p[i + c]) &* a &+ 128
                    p[i + c] = UInt8(truncatingIfNeeded: (t &+ (t >> 8)) >> 8)
                }
            }
        }
        return out
    }

    /// Premultiplied → straight alpha in place, Pillow's RGBa → RGBA rule: alpha 0 and 255 leave
    /// colour untouched, otherwise min(255, ⌊255·c / a⌋).
    static func unpremultiply(_ buf: inout [UInt8]) {
        buf.withUnsafeMutableBufferPointer { b in
            let p = b.baseAddress!
            for i in Swift.stride(from: 0, to: b.count, by: 4) {
                let a = UInt32(p[i + 3])
                if a == 0 || a == 255 { continue }
                for c in 0..<3 {
                    p[i + c] = UInt8(min(255, (255 &* UInt32(p[i + c])) / a))
                }
            }
        }
    }
}

extension Image {
    /// A resized copy.
    ///
    /// RGB is resampled per channel. RGBA is resampled like Pillow does it: for every filter but
    /// `.nearest` the colour is premultiplied by alpha first (Pillow's RGBA → RGBa rounding) and
    /// divided back afterwards, so transparent pixels do not bleed their colour into the edges
    /// (`.linear` excepted: it is OpenCV's, which resizes straight channels).
    /// `.bilinear`, `.bicubic` and `.nearest` equal Pillow's `Image.resize` exactly; `.area` equals
    /// OpenCV's `cv2.resize(…, interpolation=INTER_AREA)` exactly on RGB when shrinking (see
    /// `ResizeFilter`). Resizing to the same size returns the image unchanged (with packed rows).
    ///
    /// - Throws: `ImageError.invalidGeometry` when the target or the source has no pixels.
    public func resized(width outWidth: Int, height outHeight: Int, filter: ResizeFilter) throws(ImageError) -> Image {
        try ImageResizer.checkSizes(from: width, height, to: outWidth, outHeight)
        if outWidth == width && outHeight == height { return packed() }
        let channels = format.channels
        var out: [UInt8]
        // `.linear` is OpenCV's, which resizes straight RGBA channel by channel.
        if format == .rgba8 && filter != .nearest && filter != .linear {
            let premultiplied = pixels.withUnsafeBufferPointer {
                ImageResizer.premultiplied($0, width: width, height: height, stride: stride)
            }
            out = premultiplied.withUnsafeBufferPointer {
                ImageResizer.resize($0, width: width, height: height, stride: width * 4, channels: 4,
                                    toWidth: outWidth, height: outHeight, filter: filter)
            }
            ImageResizer.unpremultiply(&out)
        } else {
            out = pixels.withUnsafeBufferPointer {
                ImageResizer.resize($0, width: width, height: height, stride: stride, channels: channels,
                                    toWidth: outWidth, height: outHeight, filter: filter)
            }
        }
        return try Image(width: outWidth, height: outHeight, format: format, pixels: out)
    }

    /// Scales so the shorter side becomes `side`, keeping the aspect ratio the way torchvision's
    /// `Resize(side)` does (the longer side is ⌊side · long / short⌋), as CLIP preprocessing expects.
    ///
    /// - Throws: `ImageError.invalidGeometry` for a non-positive side or an empty image.
    public func resized(shortestSide side: Int, filter: ResizeFilter) throws(ImageError) -> Image {
        guard side > 0 else { throw ImageError.invalidGeometry("shortest side \(side) must be positive") }
        guard width > 0, height > 0 else {
            throw ImageError.invalidGeometry("cannot resize an empty \(width)×\(height) image")
        }
        if width <= height {
            return try resized(width: side, height: max(1, side * height / width), filter: filter)
        }
        return try resized(width: max(1, side * width / height), height: side, filter: filter)
    }
}

extension Mask {
    /// A resized copy; the filters behave as for a one-channel `Image` (Pillow "L" mode for
    /// `.nearest`, `.bilinear`, `.bicubic`; OpenCV `INTER_AREA` for `.area`).
    ///
    /// - Throws: `ImageError.invalidGeometry` when the target or the source has no pixels.
    public func resized(width outWidth: Int, height outHeight: Int, filter: ResizeFilter) throws(ImageError) -> Mask {
        try ImageResizer.checkSizes(from: width, height, to: outWidth, outHeight)
        if outWidth == width && outHeight == height { return self }
        let out = values.withUnsafeBufferPointer {
            ImageResizer.resize($0, width: width, height: height, stride: width, channels: 1,
                                toWidth: outWidth, height: outHeight, filter: filter)
        }
        return try Mask(width: outWidth, height: outHeight, values: out)
    }
}

extension BinaryMask {
    /// A nearest-neighbour resized copy (Pillow's index rule), so the result stays binary. To resize
    /// with smoothing, resize `soft()` with `.bilinear` and `binarized()` again.
    ///
    /// - Throws: `ImageError.invalidGeometry` when the target or the source has no pixels.
    public func resized(width outWidth: Int, height outHeight: Int) throws(ImageError) -> BinaryMask {
        try ImageResizer.checkSizes(from: width, height, to: outWidth, outHeight)
        if outWidth == width && outHeight == height { return self }
        let out = bits.withUnsafeBufferPointer {
            ImageResizer.nearest($0, width: width, height: height, stride: width, channels: 1,
                                 toWidth: outWidth, height: outHeight)
        }
        return try BinaryMask(width: outWidth, height: outHeight, bits: out)
    }
}
