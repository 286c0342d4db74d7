import Foundation

/// One axis of a separable resize: for each output index, the run of source indices it reads and
/// their fixed-point weights.
///
/// Built once per axis and reused for every row (horizontal pass) or column (vertical pass), so
/// the per-pixel work is multiply-adds only.
struct ResampleTable: Sendable {
    /// Weights are integers scaled by 2^precisionBits. 22 bits is Pillow's choice: 8-bit data times a
    /// weight that can exceed 1 (negative lobes elsewhere) still fits a 32-bit accumulator.
    static let precisionBits: Int32 = 22

    /// Number of output samples.
    let outSize: Int
    /// Row length of `weights`: the most taps any output sample can use.
    let taps: Int
    /// First source index per output sample.
    let start: [Int]
    /// Number of source samples used per output sample (≤ taps).
    let count: [Int]
    /// `outSize × taps` fixed-point weights; unused tail entries are 0.
    let weights: [Int32]

    /// Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc`, reproduced operation for operation
    /// in double precision so the rounded integer weights are identical to Pillow's.
    static func pillow(inSize: Int, outSize: Int, kernel: PillowKernel) -> ResampleTable {
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1.0)
        let support = kernel.support * filterScale
        let taps = Int(support.rounded(.up)) * 2 + 1
        let inverseScale = 1.0 / filterScale
        let one = Double(1 << precisionBits)

        var start = [Int](repeating: 0, count: outSize)
        var count = [Int](repeating: 0, count: outSize)
        var weights = [Int32](repeating: 0, count: outSize * taps)
        var row = [Double](repeating: 0, count: taps)
        for xx in 0..<outSize {
            let center = (Double(xx) + 0.5) * scale
            // Int(_:) truncates toward zero, like the C cast Pillow uses to "round" here.
            let xmin = max(Int(center - support + 0.5), 0)
            let xmax = min(Int(center + support + 0.5), inSize) - xmin
            var total = 0.0
            for x in 0..<xmax {
                let w = kernel.weight((Double(x + xmin) - center + 0.5) * inverseScale)
                row[x] = w
                total += w
            }
            for x in 0..<xmax {
                var w = row[x]
                if total != 0 { w /= total }
                weights[xx * taps + x] = w < 0 ? Int32(-0.5 + w * one) : Int32(0.5 + w * one)
            }
            start[xx] = xmin
            count[xx] = xmax
        }
        return ResampleTable(outSize: outSize, taps: taps, start: start, count: count, weights: weights)
    }

    /// OpenCV's `INTER_AREA` weights for a resize where some axis grows: two taps per output
    /// sample, the second weighing the fraction of the output pixel that lies past the source pixel
    /// boundary (`fx = (d+1) − (sx+1)·out/in`, zero when the boundary is not crossed). The double
    /// and single precision steps are OpenCV's, so the taps are the ones OpenCV picks.
    static func openCVAreaEnlarge(inSize: Int, outSize: Int) -> ResampleTable {
        let inverseScale = Double(outSize) / Double(inSize)
        let scale = 1.0 / inverseScale
        let one = Float(1 << precisionBits)
        var start = [Int](repeating: 0, count: outSize)
        var count = [Int](repeating: 0, count: outSize)
        var weights = [Int32](repeating: 0, count: outSize * 2)
        for d in 0..<outSize {
            var sx = Int((Double(d) * scale).rounded(.down))
            var fx = Float(Double(d + 1) - Double(sx + 1) * inverseScale)
            fx = fx <= 0 ? 0 : fx - fx.rounded(.down)
            if sx >= inSize - 1 {
                sx = inSize - 1
                fx = 0
            }
            start[d] = sx
            count[d] = fx == 0 ? 1 : 2
            weights[d * 2] = Int32(((1 - fx) * one).rounded())
            weights[d * 2 + 1] = Int32((fx * one).rounded())
        }
        return ResampleTable(outSize: outSize, taps: 2, start: start, count: count, weights: weights)
    }
}

/// A continuous reconstruction kernel with Pillow's definition and support radius.
struct PillowKernel: Sendable {
    /// Radius in source pixels at scale 1.
    let support: Double
    /// The kernel's value at distance `x`.
    let weight: @Sendable (Double) -> Double

    /// Pillow's `bilinear_filter` (triangle).
    static let triangle = PillowKernel(support: 1.0) { x in
        let x = x < 0 ? -x : x
        return x < 1.0 ? 1.0 - x : 0.0
    }

    /// Pillow's `bicubic_filter` with a = −0.5; the expression order matches Pillow's so every
    /// intermediate rounds the same way.
    static let bicubic = PillowKernel(support: 2.0) { x in
        let a = -0.5
        let x = x < 0 ? -x : x
        if x < 1.0 { return ((a + 2.0) * x - (a + 3.0)) * x * x + 1 }
        if x < 2.0 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0.0
    }
}

extension PillowKernel {
    /// Pillow's `lanczos_filter`: sinc(x)·sinc(x/3) on [−3, 3), with `sinc_filter`'s expression
    /// order so the weights round like Pillow's.
    static let lanczos = PillowKernel(support: 3.0) { x in
        func sinc(_ x: Double) -> Double {
            if x == 0.0 { return 1.0 }
            let px = x * Double.pi
            return sin(px) / px
        }
        return (-3.0 <= x && x < 3.0) ? sinc(x) * sinc(x / 3) : 0.0
    }
}

/// Pillow's nearest-neighbour source indices for one axis: `ImagingScaleAffine` starts at half a
/// step and accumulates the step in double precision, so indices follow that sum (not a closed form).
func pillowNearestIndices(inSize: Int, outSize: Int) -> [Int] {
    let step = Double(inSize) / Double(outSize)
    var position = step * 0.5
    var indices = [Int](repeating: 0, count: outSize)
    for i in 0..<outSize {
        indices[i] = min(max(Int(position), 0), inSize - 1)
        position += step
    }
    return indices
}
