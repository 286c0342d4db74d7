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
    static let maximumRadius = 1000
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

    /// Rows of a horizontal pass, produced on demand into a ring of row slots.
    ///
    /// A vertical window over rows y − r … y + r (reflected at the borders, which only ever
    /// reaches rows inside that same range) needs at most `slots` consecutive rows, so a ring that
    /// size keeps the working set in cache instead of a full intermediate plane.
    struct RowRing<Element> {
        let width: Int
        let slots: Int
        let storage: UnsafeMutablePointer<Element>
        /// Rows 0 ..< ready have been produced.
        var ready = 0

        init(width: Int, slots: Int, zero: Element) {
            self.width = width
            self.slots = slots
            storage = .allocate(capacity: width * slots)
            storage.initialize(repeating: zero, count: width * slots)
        }

        func deallocate() { storage.deallocate() }

        /// The slot holding row `y` (which must be produced and still in the window).
        @inline(__always) func row(_ y: Int) -> UnsafeMutablePointer<Element> { storage + (y % slots) * width }

        /// Produces rows up to and including `y` with `make(row, destination)`.
        @inline(__always)
        mutating func produce(through y: Int, _ make: (Int, UnsafeMutablePointer<Element>) -> Void) {
            while ready <= y {
                make(ready, row(ready))
                ready += 1
            }
        }
    }

    /// Gaussian blur in OpenCV's fixed point: the horizontal pass keeps 8 fractional bits, the
    /// vertical pass 16, and the result is rounded half up. Every intermediate is an exact integer
    /// (horizontal sums are at most 255 · 256 and fit 16-bit lanes; folding the symmetric taps
    /// changes nothing), so the result is OpenCV's whatever the evaluation order.
    static func gaussian(_ values: [UInt8], width: Int, height: Int, sigma: Double) -> [UInt8] {
        let kernel = gaussianKernel(sigma: sigma).map { UInt16($0) }
        let radius = kernel.count / 2
        if radius == 0 { return values }
        var ring = RowRing<UInt16>(width: width, slots: min(height, 2 * radius + 1), zero: 0)
        let ext = UnsafeMutablePointer<UInt8>.allocate(capacity: width + 2 * radius)
        let acc = UnsafeMutablePointer<UInt32>.allocate(capacity: width)
        defer { ring.deallocate(); ext.deallocate(); acc.deallocate() }
        var out = [UInt8](repeating: 0, count: width * height)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { o in
                let horizontalPass = { (y: Int, h: UnsafeMutablePointer<UInt16>) in
                    extendRow(src.baseAddress! + y * width, width: width, radius: radius, into: ext)
                    let centre = kernel[radius], mid = UnsafePointer(ext + radius)
                    for x in 0..<width { h[x] = UInt16(mid[x]) &* centre }
                    for j in 0..<radius {
                        let w = kernel[j], left = UnsafePointer(ext + j), right = UnsafePointer(ext + 2 * radius - j)
                        for x in 0..<width { h[x] &+= (UInt16(left[x]) &+ UInt16(right[x])) &* w }
                    }
                }
                for y in 0..<height {
                    ring.produce(through: min(height - 1, y + radius), horizontalPass)
                    for x in 0..<width { acc[x] = 1 << 15 }
                    // 16-bit × 16-bit products widened to 32 bits: baseline SSE2 has fast
                    // instructions for exactly that (a general 32-bit multiply it does not).
                    for j in 0..<kernel.count {
                        let w = UInt32(kernel[j])
                        let row = UnsafePointer(ring.row(reflect101(y - radius + j, height)))
                        for x in 0..<width { acc[x] &+= UInt32(row[x]) &* w }
                    }
                    let dst = o.baseAddress! + y * width
                    for x in 0..<width { dst[x] = UInt8(truncatingIfNeeded: acc[x] >> 16) }
                }
            }
        }
        return out
    }

    /// Mean over the (2r+1)² window, rounded to nearest, with running sums so the cost does not
    /// grow with the radius.
    ///
    /// The rounding `⌊(2s + n) / 2n⌋` is done by multiplying with a reciprocal: the quotient is
    /// never an integer and stays at least 1/(2n) away from one (n is odd), far more than the
    /// reciprocal's error in Float (n ≤ 4096) or Double, so truncation gives the exact result.
    static func box(_ values: [UInt8], width: Int, height: Int, radius: Int) -> [UInt8] {
        if radius == 0 { return values }
        let window = 2 * radius + 1
        let area = Int32(window * window)
        var ring = RowRing<Int32>(width: width, slots: min(height, 2 * radius + 2), zero: 0)
        let ext = UnsafeMutablePointer<UInt8>.allocate(capacity: width + 2 * radius)
        let column = UnsafeMutablePointer<Int32>.allocate(capacity: width)
        defer { ring.deallocate(); ext.deallocate(); column.deallocate() }
        column.initialize(repeating: 0, count: width)
        let useFloat = area <= 4096
        let inverseFloat = 1 / Float(2 * area), inverseDouble = 1 / Double(2 * area)
        var out = [UInt8](repeating: 0, count: width * height)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { o in
                let horizontalPass = { (y: Int, h: UnsafeMutablePointer<Int32>) in
                    extendRow(src.baseAddress! + y * width, width: width, radius: radius, into: ext)
                    var s: Int32 = 0
                    for i in 0..<window { s &+= Int32(ext[i]) }
                    for x in 0..<width {
                        h[x] = s
                        s = s &+ Int32(ext[x &+ window]) &- Int32(ext[x])
                    }
                }
                ring.produce(through: min(height - 1, radius), horizontalPass)
                for j in -radius...radius {
                    let row = UnsafePointer(ring.row(reflect101(j, height)))
                    for x in 0..<width { column[x] &+= row[x] }
                }
                for y in 0..<height {
                    let dst = o.baseAddress! + y * width
                    if useFloat {
                        for x in 0..<width { dst[x] = UInt8(truncatingIfNeeded: Int32(Float(2 &* column[x] &+ area) * inverseFloat)) }
                    } else {
                        for x in 0..<width {
                            dst[x] = UInt8(truncatingIfNeeded: Int64(Double(2 &* Int64(column[x]) &+ Int64(area)) * inverseDouble))
                        }
                    }
                    if y + 1 < height {
                        ring.produce(through: min(height - 1, y + radius + 1), horizontalPass)
                        let incoming = UnsafePointer(ring.row(reflect101(y + radius + 1, height)))
                        let outgoing = UnsafePointer(ring.row(reflect101(y - radius, height)))
                        for x in 0..<width { column[x] = column[x] &+ incoming[x] &- outgoing[x] }
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
    /// - Throws: `ImageError.invalidArgument` unless 0 ≤ radius ≤ 1000.
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
