/// The σ grid of diffusers' Euler schedulers: σ interpolated at each (possibly fractional)
/// timestep, a final 0, and the initial noise σ.
struct SigmaSchedule: Sendable, Hashable {
    let timesteps: [Double]
    /// One σ per step plus the final 0.
    let sigmas: [Double]
    let initNoiseSigma: Double

    init(config: SchedulerConfiguration, steps: Int) throws(InferenceError) {
        if config.useKarrasSigmas == true { throw .invalidResource("scheduler option use_karras_sigmas is not supported") }
        let schedule = try NoiseSchedule(config)
        let trainCount = schedule.trainTimesteps
        try SchedulerSteps.check(steps, trainCount)
        let spacing = config.timestepSpacing ?? .linspace
        let times: [Double]
        switch spacing {
        case .linspace:
            times = NoiseSchedule.linspace(0, Double(trainCount - 1), steps).reversed()
        case .leading:
            let ratio = Double(trainCount / steps)
            times = (0..<steps).map { Double($0) * ratio + Double(config.stepsOffset ?? 0) }.reversed()
        case .trailing:
            times = SchedulerSteps.trailing(trainCount, steps)
        }
        let trainSigmas = schedule.sigmas
        let sigmas = times.map { NoiseSchedule.interpolate($0, trainSigmas) } + [0]
        let maxSigma = sigmas.max() ?? 0
        self.timesteps = times
        self.sigmas = sigmas
        self.initNoiseSigma = spacing == .leading ? (maxSigma * maxSigma + 1).squareRoot() : maxSigma
    }

    /// 1 / √(σ² + 1): the factor of the denoiser's input at step `i`.
    func inputScale(_ i: Int) -> Float { Float(1 / (sigmas[i] * sigmas[i] + 1).squareRoot()) }

    /// Euler's update towards σ `to` in place: x + (x − x₀)/σ · (to − σ), x₀ the denoised estimate
    /// at step `i` (x − σ·ε for ε-prediction, v·(−σ/√(σ²+1)) + x/(σ²+1) for v-prediction).
    func eulerStep(_ sample: inout [Float], _ modelOutput: [Float], _ i: Int, to: Double, _ prediction: PredictionType) {
        let sigma = sigmas[i]
        let factor = Float((to - sigma) / sigma)
        let (a, b): (Float, Float) = prediction == .epsilon
            ? (0, Float(sigma)) : (Float(-sigma / (sigma * sigma + 1).squareRoot()), Float(1 / (sigma * sigma + 1)))
        sample.withUnsafeMutableBufferPointer { s in
            modelOutput.withUnsafeBufferPointer { e in
                if prediction == .epsilon {
                    // x − x₀ = σ·ε
                    for k in 0..<s.count { s[k] += b * e[k] * factor }
                } else {
                    for k in 0..<s.count {
                        let x0 = e[k] * a + s[k] * b
                        s[k] += (s[k] - x0) * factor
                    }
                }
            }
        }
    }
}
