/// Denoising diffusion implicit models, deterministic (diffusers' `DDIMScheduler` with η = 0).
public struct DDIMScheduler: NoiseScheduler {
    public let timesteps: [Double]
    public let initNoiseSigma: Float = 1
    let alphasCumprod: [Double]
    let finalAlphaCumprod: Double
    let stride: Int
    let prediction: PredictionType
    let clipRange: Double?

    /// A scheduler for `steps` inference steps.
    public init(config: SchedulerConfiguration, steps: Int) throws(InferenceError) {
        if config.thresholding == true { throw .invalidResource("scheduler option thresholding is not supported") }
        let schedule = try NoiseSchedule(config)
        let trainCount = schedule.trainTimesteps
        try SchedulerSteps.check(steps, trainCount)
        switch config.timestepSpacing ?? .leading {
        case .linspace:
            timesteps = NoiseSchedule.linspace(0, Double(trainCount - 1), steps).map(NoiseSchedule.roundHalfEven).reversed()
        case .leading:
            let ratio = trainCount / steps
            timesteps = (0..<steps).map { Double($0 * ratio + (config.stepsOffset ?? 0)) }.reversed()
        case .trailing:
            timesteps = SchedulerSteps.trailing(trainCount, steps)
        }
        alphasCumprod = schedule.alphasCumprod
        // diffusers' DDIM default is set_alpha_to_one = true; SD's configs say false.
        finalAlphaCumprod = (config.setAlphaToOne ?? true) ? 1 : schedule.alphasCumprod[0]
        stride = trainCount / steps
        prediction = config.predictionType ?? .epsilon
        // diffusers' DDIM default is clip_sample = true; SD's configs say false.
        clipRange = (config.clipSample ?? true) ? (config.clipSampleRange ?? 1) : nil
    }

    public mutating func step(modelOutput: [Float], stepIndex i: Int, sample: inout [Float], noise: () -> [Float]) {
        let t = Int(timesteps[i])
        let previous = t - stride
        let alphaT = alphasCumprod[t]
        let alphaPrev = previous >= 0 ? alphasCumprod[previous] : finalAlphaCumprod
        let betaT = 1 - alphaT
        let sa = alphaT.squareRoot(), sb = betaT.squareRoot()
        var x0 = [Float](repeating: 0, count: sample.count)
        var eps = [Float](repeating: 0, count: sample.count)
        switch prediction {
        case .epsilon:
            let a = Float(1 / sa), b = Float(sb / sa)
            for k in 0..<sample.count {
                x0[k] = sample[k] * a - modelOutput[k] * b
                eps[k] = modelOutput[k]
            }
        case .vPrediction:
            let a = Float(sa), b = Float(sb)
            for k in 0..<sample.count {
                x0[k] = a * sample[k] - b * modelOutput[k]
                eps[k] = a * modelOutput[k] + b * sample[k]
            }
        }
        if let clipRange {
            let r = Float(clipRange)
            // ε stays the model's (diffusers' use_clipped_model_output is false in pipelines).
            x0 = x0.map { min(max($0, -r), r) }
        }
        let c0 = Float(alphaPrev.squareRoot()), c1 = Float((1 - alphaPrev).squareRoot())
        for k in 0..<sample.count { sample[k] = c0 * x0[k] + c1 * eps[k] }
    }
}
