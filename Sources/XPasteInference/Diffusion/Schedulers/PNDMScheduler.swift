/// Pseudo numerical methods (diffusers' `PNDMScheduler`) in its PLMS form (`skip_prk_steps`, as
/// every SD config sets it): linear multistep with up to four earlier outputs, the second
/// timestep repeated once.
public struct PNDMScheduler: NoiseScheduler {
    public let timesteps: [Double]
    public let initNoiseSigma: Float = 1
    let alphasCumprod: [Double]
    let finalAlphaCumprod: Double
    let stride: Int
    let prediction: PredictionType
    private var outputs: [[Float]] = []
    private var counter = 0
    private var firstSample: [Float]?

    /// A scheduler for `steps` inference steps.
    public init(config: SchedulerConfiguration, steps: Int) throws(InferenceError) {
        guard config.skipPrkSteps ?? false else {
            throw .invalidResource("PNDM with Runge–Kutta warm-up steps (skip_prk_steps false) is not supported")
        }
        let schedule = try NoiseSchedule(config)
        let trainCount = schedule.trainTimesteps
        try SchedulerSteps.check(steps, trainCount)
        let ascending: [Double]
        switch config.timestepSpacing ?? .leading {
        case .linspace:
            ascending = NoiseSchedule.linspace(0, Double(trainCount - 1), steps).map(NoiseSchedule.roundHalfEven)
        case .leading:
            let ratio = trainCount / steps
            ascending = (0..<steps).map { Double($0 * ratio + (config.stepsOffset ?? 0)) }
        case .trailing:
            ascending = SchedulerSteps.trailing(trainCount, steps).reversed()
        }
        // [t₀ … tₙ₋₂, tₙ₋₂, tₙ₋₁] reversed: the PLMS warm-up evaluates the second timestep twice.
        var plms = Array(ascending.dropLast())
        if ascending.count >= 2 { plms.append(ascending[ascending.count - 2]) }
        plms.append(ascending[ascending.count - 1])
        timesteps = plms.reversed()
        alphasCumprod = schedule.alphasCumprod
        finalAlphaCumprod = (config.setAlphaToOne ?? false) ? 1 : schedule.alphasCumprod[0]
        stride = trainCount / steps
        prediction = config.predictionType ?? .epsilon
    }

    public mutating func step(modelOutput: [Float], stepIndex i: Int, sample: inout [Float], noise: () -> [Float]) {
        var t = Int(timesteps[i])
        var previous = t - stride
        if counter != 1 {
            if outputs.count > 3 { outputs.removeFirst(outputs.count - 3) }
            outputs.append(modelOutput)
        } else {
            previous = t
            t += stride
        }
        var input = sample
        let combined: [Float]
        let n = outputs.count
        if n == 1 && counter == 0 {
            combined = modelOutput
            firstSample = sample
        } else if n == 1 && counter == 1 {
            combined = zip(modelOutput, outputs[0]).map { ($0 + $1) / 2 }
            input = firstSample ?? sample
            firstSample = nil
        } else if n == 2 {
            combined = zip(outputs[1], outputs[0]).map { (3 * $0 - $1) / 2 }
        } else if n == 3 {
            combined = (0..<sample.count).map { k in (23 * outputs[2][k] - 16 * outputs[1][k] + 5 * outputs[0][k]) / 12 }
        } else {
            combined = (0..<sample.count).map { k in
                (55 * outputs[3][k] - 59 * outputs[2][k] + 37 * outputs[1][k] - 9 * outputs[0][k]) / 24
            }
        }
        counter += 1
        sample = previousSample(input, t, previous, combined)
    }

    /// Formula (9) of the PNDM paper: x_{t−δ} from x_t and the combined ε.
    private func previousSample(_ sample: [Float], _ t: Int, _ previous: Int, _ output: [Float]) -> [Float] {
        let alphaT = alphasCumprod[t]
        let alphaPrev = previous >= 0 ? alphasCumprod[previous] : finalAlphaCumprod
        let betaT = 1 - alphaT, betaPrev = 1 - alphaPrev
        var epsilon = output
        if prediction == .vPrediction {
            let a = Float(alphaT.squareRoot()), b = Float(betaT.squareRoot())
            epsilon = zip(output, sample).map { v, x in a * v + b * x }
        }
        let sampleCoefficient = Float((alphaPrev / alphaT).squareRoot())
        let denominator = alphaT * betaPrev.squareRoot() + (alphaT * betaT * alphaPrev).squareRoot()
        let outputCoefficient = Float((alphaPrev - alphaT) / denominator)
        return zip(sample, epsilon).map { x, e in sampleCoefficient * x - outputCoefficient * e }
    }
}
