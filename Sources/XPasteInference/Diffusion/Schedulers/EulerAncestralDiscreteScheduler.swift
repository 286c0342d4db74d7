/// Euler ancestral sampling (diffusers' `EulerAncestralDiscreteScheduler`, k-diffusion's
/// `sample_euler_ancestral`, η = 1): an Euler step down to σ_down, then fresh noise of σ_up.
public struct EulerAncestralDiscreteScheduler: NoiseScheduler {
    let grid: SigmaSchedule
    let prediction: PredictionType

    /// A scheduler for `steps` inference steps.
    public init(config: SchedulerConfiguration, steps: Int) throws(InferenceError) {
        grid = try SigmaSchedule(config: config, steps: steps)
        prediction = config.predictionType ?? .epsilon
    }

    public var timesteps: [Double] { grid.timesteps }
    public var initNoiseSigma: Float { Float(grid.initNoiseSigma) }

    public func modelInputScale(stepIndex: Int) -> Float { grid.inputScale(stepIndex) }

    public mutating func step(modelOutput: [Float], stepIndex i: Int, sample: inout [Float], noise: () -> [Float]) {
        let from = grid.sigmas[i], to = grid.sigmas[i + 1]
        let up = (to * to * (from * from - to * to) / (from * from)).squareRoot()
        let down = (to * to - up * up).squareRoot()
        grid.eulerStep(&sample, modelOutput, i, to: down, prediction)
        // Drawn on every step, the last included (where σ_up is 0), as diffusers draws it, so a
        // run consumes its noise stream the same way.
        let fresh = noise()
        let scale = Float(up)
        for k in 0..<sample.count { sample[k] += fresh[k] * scale }
    }
}
