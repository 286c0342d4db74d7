import Foundation

/// The training noise schedule every scheduler starts from: βₜ and ᾱₜ = ∏(1 − βᵢ), t < T.
/// Kept in Double; diffusers keeps float32, which the golden tests' tolerance covers.
public struct NoiseSchedule: Sendable, Hashable {
    /// ᾱₜ for t in 0..<T.
    public let alphasCumprod: [Double]

    /// The schedule a configuration describes; unsupported options are refused by name.
    public init(_ config: SchedulerConfiguration, defaultBetaStart: Double = 0.0001, defaultBetaEnd: Double = 0.02) throws(InferenceError) {
        if config.rescaleBetasZeroSnr == true {
            throw .invalidResource("scheduler option rescale_betas_zero_snr is not supported")
        }
        let count = config.numTrainTimesteps ?? 1000
        guard count >= 2, count <= 100_000 else {
            throw .invalidResource("scheduler num_train_timesteps \(count) is out of range 2…100000")
        }
        let start = config.betaStart ?? defaultBetaStart
        let end = config.betaEnd ?? defaultBetaEnd
        var betas: [Double]
        if let trained = config.trainedBetas {
            guard trained.count == count else {
                throw .invalidResource("scheduler trained_betas has \(trained.count) values for \(count) timesteps")
            }
            betas = trained
        } else {
            switch config.betaSchedule ?? "linear" {
            case "linear":
                betas = Self.linspace(start, end, count)
            case "scaled_linear":
                betas = Self.linspace(start.squareRoot(), end.squareRoot(), count).map { $0 * $0 }
            case "squaredcos_cap_v2":
                // Glide's cosine schedule, β capped at 0.999.
                func alphaBar(_ t: Double) -> Double { pow(cos((t + 0.008) / 1.008 * Double.pi / 2), 2) }
                betas = (0..<count).map { i in
                    let t1 = Double(i) / Double(count), t2 = Double(i + 1) / Double(count)
                    return min(1 - alphaBar(t2) / alphaBar(t1), 0.999)
                }
            case let other:
                throw .invalidResource("scheduler beta_schedule \(other) is not supported (linear, scaled_linear, squaredcos_cap_v2)")
            }
        }
        guard betas.allSatisfy({ $0.isFinite && $0 > 0 && $0 < 1 }) else {
            throw .invalidResource("scheduler betas must lie in (0, 1)")
        }
        var product = 1.0
        alphasCumprod = betas.map { beta in
            product *= 1 - beta
            return product
        }
    }

    /// T.
    public var trainTimesteps: Int { alphasCumprod.count }

    /// σₜ = √((1 − ᾱₜ) / ᾱₜ) for every training timestep.
    public var sigmas: [Double] { alphasCumprod.map { ((1 - $0) / $0).squareRoot() } }

    /// `count` evenly spaced values from `a` to `b`, both included (numpy's linspace).
    static func linspace(_ a: Double, _ b: Double, _ count: Int) -> [Double] {
        guard count > 1 else { return [a] }
        let step = (b - a) / Double(count - 1)
        return (0..<count).map { i in i == count - 1 ? b : a + Double(i) * step }
    }

    /// numpy's `interp` of `x` on the grid 0, 1, …, values.count − 1.
    static func interpolate(_ x: Double, _ values: [Double]) -> Double {
        if x <= 0 { return values[0] }
        let last = values.count - 1
        if x >= Double(last) { return values[last] }
        let i = Int(x.rounded(.down))
        let f = x - Double(i)
        return values[i] + (values[i + 1] - values[i]) * f
    }

    /// Rounds half to even, as numpy's `round` does.
    static func roundHalfEven(_ x: Double) -> Double { x.rounded(.toNearestOrEven) }
}
