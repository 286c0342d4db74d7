/// Euler's method on the probability-flow ODE (diffusers' `EulerDiscreteScheduler`, k-diffusion's
/// `sample_euler`, no churn); with "trailing" spacing it is sd-turbo's 1-to-4-step scheduler.
public struct EulerDiscreteScheduler: NoiseScheduler {
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
        grid.eulerStep(&sample, modelOutput, i, to: grid.sigmas[i + 1], prediction)
    }
}
