/// PyTorch's `interpolate(mode="bicubic", align_corners=False)` without antialiasing on float
/// planes: what torchvision 0.11's `Resize` does to a float tensor, and so what X-Paste's CLIP
/// scoring sees.
///
/// For output index d the source coordinate is `(d + ½)·in/out − ½` (not clamped, as PyTorch does
/// for cubic), the four taps around its floor use Keys' cubic with a = −0.75, and taps outside the
/// plane read the nearest edge sample. Computed in double precision; values are not clamped (an
/// overshoot past 0…1 reaches the model as it does in PyTorch).
enum TorchBicubicResampler {
    /// PyTorch's `A` in `upsample_bicubic2d`.
    static let a = -0.75

    /// One axis: for every output index, the first tap's source index and the four weights.
    struct Axis {
        var first: [Int]
        var weights: [(Double, Double, Double, Double)]
    }

    /// The taps of a resize from `inSize` to `outSize` samples.
    static func axis(inSize: Int, outSize: Int) -> Axis {
        let scale = Double(inSize) / Double(outSize)
        var first: [Int] = [], weights: [(Double, Double, Double, Double)] = []
        first.reserveCapacity(outSize)
        weights.reserveCapacity(outSize)
        for d in 0..<outSize {
            let real = scale * (Double(d) + 0.5) - 0.5
            let base = real.rounded(.down)
            let t = real - base
            first.append(Int(base) - 1)
            weights.append((far(t + 1), near(t), near(1 - t), far(2 - t)))
        }
        return Axis(first: first, weights: weights)
    }

    /// Keys' cubic for |x| ≤ 1.
    private static func near(_ x: Double) -> Double { ((a + 2) * x - (a + 3)) * x * x + 1 }
    /// Keys' cubic for 1 < |x| < 2.
    private static func far(_ x: Double) -> Double { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }

    /// `plane` (`width × height`, row-major) resized to `outWidth × outHeight`: along x for every
    /// source row, then along y, as PyTorch's CPU kernel combines its taps.
    static func resize(_ plane: [Double], width: Int, height: Int, outWidth: Int, outHeight: Int) -> [Double] {
        let ax = axis(inSize: width, outSize: outWidth), ay = axis(inSize: height, outSize: outHeight)
        var rows = [Double](repeating: 0, count: outWidth * height)
        for y in 0..<height {
            for x in 0..<outWidth {
                rows[y * outWidth + x] = combine(ax.first[x], ax.weights[x], size: width) { plane[y * width + $0] }
            }
        }
        var out = [Double](repeating: 0, count: outWidth * outHeight)
        for y in 0..<outHeight {
            for x in 0..<outWidth {
                out[y * outWidth + x] = combine(ay.first[y], ay.weights[y], size: height) { rows[$0 * outWidth + x] }
            }
        }
        return out
    }

    /// The four taps from `first` on, indices clamped into `0 ..< size`.
    @inline(__always)
    private static func combine(
        _ first: Int, _ w: (Double, Double, Double, Double), size: Int, _ sample: (Int) -> Double
    ) -> Double {
        let last = size - 1
        return sample(min(max(first, 0), last)) * w.0 + sample(min(max(first + 1, 0), last)) * w.1
            + sample(min(max(first + 2, 0), last)) * w.2 + sample(min(max(first + 3, 0), last)) * w.3
    }
}
