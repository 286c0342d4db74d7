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

    /// The denoised estimate x₀ at step `i`.
    func predictedOriginal(_ sample: [Float], _ modelOutput: [Float], _ i: Int, _ prediction: PredictionType) -> [Float] {
        let sigma = sigmas[i]
        switch prediction {
        case .epsilon:
            let s = Float(sigma)
            return zip(sample, modelOutput).map { x, e in x - s * e }
        case .vPrediction:
            let a = Float(-sigma / (sigma * sigma + 1).squareRoot()), b = Float(1 / (sigma * sigma + 1))
            return zip(sample, modelOutput).map { x, v in v * a + x * b }
        }
    }
}
