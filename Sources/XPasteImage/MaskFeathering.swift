import Foundation

/// Separable blurs that soften a mask's edge before it is used as paste alpha.
///
/// Both follow OpenCV bit for bit: `gaussianBlurred(sigma:)` equals
/// `cv2.GaussianBlur(m, (0, 0), sigma)` and `boxBlurred(radius:)` equals
/// `cv2.blur(m, (2r+1, 2r+1))`, including OpenCV's default border, `BORDER_REFLECT_101`
/// (`…cb|abcd|cb…`: the edge pixel is not repeated), applied repeatedly when the kernel is wider
/// than the mask.
enum MaskFeathering {
    /// Largest accepted box radius / Gaussian sigma: far beyond any feathering need, small enough
    /// that sums stay in range and kernels stay cheap to build.
    static let maximumRadius = 4096
    static let maximumSigma = 1000.0

    /// OpenCV's `borderInterpolate` for `BORDER_REFLECT_101`.
    @inline(__always)
    static func reflect101(_ p: Int, _ n: Int) -> Int {
        if n == 1 { return 0 }
        var p = p
        while p < 0 || p >= n { p = p < 0 ? -p : 2 * n - 2 - p }
        return p
    }

    /// OpenCV's 8-bit Gaussian kernel: size `round(6σ + 1) | 1`, values from the double-precision
    /// Gaussian normalised to sum 1, then quantised to 8 fractional bits with error diffusion from
    /// the tails inwards; the centre takes whatever makes the sum exactly 256.
    static func gaussianKernel(sigma: Double) -> [UInt32] {
        let n = Int((sigma * 3 * 2 + 1).rounded(.toNearestOrEven)) | 1
        let half = (n - 1) / 2
        let scale = -0.125 / (sigma * sigma)  // taps sit at x = 2·(i − half), hence −½ · ¼
        var values = [Double](repeating: 0, count: half)
        var sum = 0.0
        var x = 1 - n
        for i in 0..<half {
            values[i] = exp(Double(x * x) * scale)
            sum += values[i]
            x += 2
        }
        sum = sum * 2 + 1
        var kernel = [UInt32](repeating: 0, count: n)
        var error = 0.0
        var total = 0
        for i in 0..<half {
            let adjusted = values[i] / sum * 256 + error
            let v = adjusted.rounded(.toNearestOrEven)
            error = adjusted - v
            kernel[i] = UInt32(v)
            kernel[n - 1 - i] = UInt32(v)
            total += Int(v)
        }
        // Error diffusion keeps the running total within ½ of the exact tail mass (< 128).
        kernel[half] = UInt32(max(0, 256 - 2 * total))
        return kernel
    }

    /// Row `y` padded by `radius` reflected pixels on each side, into `ext`.
    @inline(__always)
    static func extendRow(_ row: UnsafePointer<UInt8>, width: Int, radius: Int, into ext: UnsafeMutablePointer<UInt8>) {
        (ext + radius).update(from: row, count: width)
        for i in 0..<radius {
            ext[radius - 1 - i] = row[reflect101(-1 - i, width)]
            ext[radius + width + i] = row[reflect101(width + i, width)]
        }
    }

    /// Gaussian blur in OpenCV's fixed point: the horizontal pass keeps 8 fractional bits, the
    /// vertical pass 16, and the result is rounded half up.
    static func gaussian(_ values: [UInt8], width: Int, height: Int, sigma: Double) -> [UInt8] {
        let kernel = gaussianKernel(sigma: sigma)
        let radius = kernel.count / 2
        if radius == 0 { return values }
        var horizontal = [UInt32](repeating: 0, count: width * height)
        var ext = [UInt8](repeating: 0, count: width + 2 * radius)
        values.withUnsafeBufferPointer { src in
            horizontal.withUnsafeMutableBufferPointer { h in
                ext.withUnsafeMutableBufferPointer { e in
                    kernel.withUnsafeBufferPointer { k in
                        for y in 0..<height {
                            extendRow(src.baseAddress! + y * width, width: width, radius: radius, into: e.baseAddress!)
                            let out = h.baseAddress! + y * width
                            for x in 0..<width { out[x] = 0 }
                            // Tap-outer order keeps the inner loop a contiguous multiply-add.
                            for j in 0..<k.count {
                                let w = k[j], p = e.baseAddress! + j
                                for x in 0..<width { out[x] &+= UInt32(p[x]) &* w }
                            }
                        }
                    }
                }
            }
        }
        var out = [UInt8](repeating: 0, count: width * height)
        var acc = [UInt32](repeating: 0, count: width)
        horizontal.withUnsafeBufferPointer { h in
            out.withUnsafeMutableBufferPointer { o in
                acc.withUnsafeMutableBufferPointer { a in
                    kernel.withUnsafeBufferPointer { k in
                        for y in 0..<height {
                            for x in 0..<width { a[x] = 1 << 15 }
                            for j in 0..<k.count {
                                let w = k[j]
                                let row = h.baseAddress! + reflect101(y + j - radius, height) * width
                                for x in 0..<width { a[x] &+= row[x] &* w }
                            }
                            let dst = o.baseAddress! + y * width
                            for x in 0..<width { dst[x] = UInt8(truncatingIfNeeded: min(a[x] >> 16, 255)) }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Mean over the (2r+1)² window, rounded to nearest (no ties: the window size is odd), with
    /// running sums so the cost does not grow with the radius.
    static func box(_ values: [UInt8], width: Int, height: Int, radius: Int) -> [UInt8] {
        if radius == 0 { return values }
        let window = 2 * radius + 1
        var horizontal = [Int](repeating: 0, count: width * height)
        var ext = [UInt8](repeating: 0, count: width + 2 * radius)
        values.withUnsafeBufferPointer { src in
            horizontal.withUnsafeMutableBufferPointer { h in
                ext.withUnsafeMutableBufferPointer { e in
                    let p = e.baseAddress!
                    for y in 0..<height {
                        extendRow(src.baseAddress! + y * width, width: width, radius: radius, into: p)
                        var s = 0
                        for i in 0..<window { s += Int(p[i]) }
                        let out = h.baseAddress! + y * width
                        for x in 0..<width {
                            out[x] = s
                            if x + 1 < width { s += Int(p[x + window]) - Int(p[x]) }
                        }
                    }
                }
            }
        }
        let area = window * window
        var out = [UInt8](repeating: 0, count: width * height)
        var column = [Int](repeating: 0, count: width)
        horizontal.withUnsafeBufferPointer { h in
            out.withUnsafeMutableBufferPointer { o in
                column.withUnsafeMutableBufferPointer { c in
                    let hb = h.baseAddress!
                    for j in -radius...radius {
                        let row = hb + reflect101(j, height) * width
                        for x in 0..<width { c[x] += row[x] }
                    }
                    for y in 0..<height {
                        let dst = o.baseAddress! + y * width
                        for x in 0..<width { dst[x] = UInt8(truncatingIfNeeded: (2 * c[x] + area) / (2 * area)) }
                        if y + 1 < height {
                            let incoming = hb + reflect101(y + radius + 1, height) * width
                            let outgoing = hb + reflect101(y - radius, height) * width
                            for x in 0..<width { c[x] += incoming[x] - outgoing[x] }
                        }
                    }
                }
            }
        }
        return out
    }
}

extension Mask {
    /// The mask blurred with a Gaussian of standard deviation `sigma` pixels: soft edges for
    /// pasting (albumentations' "gaussian" blend uses σ 1…3). Equals
    /// `cv2.GaussianBlur(mask, (0, 0), sigma)` exactly (kernel size round(6σ+1)|1, reflect-101
    /// borders, OpenCV's fixed point).
    ///
    /// - Throws: `ImageError.invalidArgument` unless 0 < sigma ≤ 1000.
    public func gaussianBlurred(sigma: Double) throws(ImageError) -> Mask {
        guard sigma > 0, sigma <= MaskFeathering.maximumSigma else {
            throw ImageError.invalidArgument("gaussian sigma must be in (0, \(MaskFeathering.maximumSigma)], got \(sigma)")
        }
        guard width > 0, height > 0 else { return self }
        var out = self
        out.values = MaskFeathering.gaussian(values, width: width, height: height, sigma: sigma)
        return out
    }

    /// The mask averaged over a (2·radius+1)² square: a cheaper, linear feather. Equals
    /// `cv2.blur(mask, (2r+1, 2r+1))` exactly (reflect-101 borders, rounded mean).
    ///
    /// - Throws: `ImageError.invalidArgument` unless 0 ≤ radius ≤ 4096.
    public func boxBlurred(radius: Int) throws(ImageError) -> Mask {
        guard radius >= 0, radius <= MaskFeathering.maximumRadius else {
            throw ImageError.invalidArgument("box radius must be in 0…\(MaskFeathering.maximumRadius), got \(radius)")
        }
        guard width > 0, height > 0 else { return self }
        var out = self
        out.values = MaskFeathering.box(values, width: width, height: height, radius: radius)
        return out
    }
}
