import Foundation

/// DPM-Solver++ multistep (diffusers' `DPMSolverMultistepScheduler`, algorithm `dpmsolver++`),
/// X-Paste's scheduler: with order 2 it is "DPM++ 2M". Data-prediction form; the first step and,
/// below 15 steps, the last ones are first order; the final σ is zero.
public struct DPMSolverMultistepScheduler: NoiseScheduler {
    public let timesteps: [Double]
    public let initNoiseSigma: Float = 1
    /// σ per step plus the final one.
    let sigmas: [Double]
    let order: Int
    let prediction: PredictionType
    let lowerOrderFinal: Bool
    let eulerAtFinal: Bool
    let finalSigmaZero: Bool
    /// The last `order` data predictions, oldest first.
    private var modelOutputs: [[Float]?]
    private var lowerOrderCount = 0

    /// A scheduler for `steps` inference steps.
    public init(config: SchedulerConfiguration, steps: Int) throws(InferenceError) {
        if config.useKarrasSigmas == true { throw .invalidResource("scheduler option use_karras_sigmas is not supported") }
        if config.thresholding == true { throw .invalidResource("scheduler option thresholding is not supported") }
        let algorithm = config.algorithmType ?? "dpmsolver++"
        guard algorithm == "dpmsolver++" else {
            throw .invalidResource("DPM-Solver algorithm_type \(algorithm) is not supported (dpmsolver++)")
        }
        guard (config.solverType ?? "midpoint") == "midpoint" else {
            throw .invalidResource("DPM-Solver solver_type \(config.solverType ?? "") is not supported (midpoint)")
        }
        let order = config.solverOrder ?? 2
        guard order == 1 || order == 2 else { throw .invalidResource("DPM-Solver solver_order \(order) is not supported (1 or 2)") }
        let finalType = config.finalSigmasType ?? "zero"
        guard finalType == "zero" || finalType == "sigma_min" else {
            throw .invalidResource("DPM-Solver final_sigmas_type \(finalType) is not supported")
        }
        let schedule = try NoiseSchedule(config)
        let trainCount = schedule.trainTimesteps
        try SchedulerSteps.check(steps, trainCount)
        let offset = Double(config.stepsOffset ?? 0)
        var times: [Double]
        switch config.timestepSpacing ?? .linspace {
        case .linspace:
            times = NoiseSchedule.linspace(0, Double(trainCount - 1), steps + 1).map(NoiseSchedule.roundHalfEven)
            times = Array(times.reversed().dropLast())
        case .leading:
            let ratio = Double(trainCount / (steps + 1))
            times = (0...steps).map { Double($0) * ratio }.reversed().dropLast().map { $0 + offset }
        case .trailing:
            times = SchedulerSteps.trailing(trainCount, steps)
        }
        let trainSigmas = schedule.sigmas
        var sigmas = times.map { NoiseSchedule.interpolate($0, trainSigmas) }
        sigmas.append(finalType == "zero" ? 0 : trainSigmas[0])
        self.timesteps = times
        self.sigmas = sigmas
        self.order = order
        self.prediction = config.predictionType ?? .epsilon
        self.lowerOrderFinal = config.lowerOrderFinal ?? true
        self.eulerAtFinal = config.eulerAtFinal ?? false
        self.finalSigmaZero = finalType == "zero"
        self.modelOutputs = Array(repeating: nil, count: order)
    }

    /// αₜ and σₜ of the variance-preserving process from the sigma of the variance-exploding one.
    private static func alphaSigma(_ sigma: Double) -> (alpha: Double, sigma: Double) {
        let alpha = 1 / (sigma * sigma + 1).squareRoot()
        return (alpha, sigma * alpha)
    }

    public mutating func step(modelOutput: [Float], stepIndex i: Int, sample: inout [Float], noise: () -> [Float]) {
        let count = timesteps.count
        let finalFirstOrder = i == count - 1
            && (eulerAtFinal || (lowerOrderFinal && count < 15) || finalSigmaZero)

        // The data prediction x₀ from the model output, written into the oldest kept buffer.
        let (alpha0, sigma0) = Self.alphaSigma(sigmas[i])
        var x0 = modelOutputs.removeFirst() ?? []
        if x0.count != sample.count { x0 = [Float](repeating: 0, count: sample.count) }
        let (pa, pb): (Float, Float) = prediction == .epsilon
            ? (Float(1 / alpha0), Float(sigma0 / alpha0)) : (Float(alpha0), Float(sigma0))
        x0.withUnsafeMutableBufferPointer { d in
            sample.withUnsafeBufferPointer { s in
                modelOutput.withUnsafeBufferPointer { e in
                    for k in 0..<d.count { d[k] = s[k] * pa - e[k] * pb }
                }
            }
        }
        modelOutputs.append(x0)

        let (alphaT, sigmaT) = Self.alphaSigma(sigmas[i + 1])
        let lambdaT = log(alphaT) - log(sigmaT)
        let lambdaS0 = log(alpha0) - log(sigma0)
        let h = lambdaT - lambdaS0
        let expm = exp(-h) - 1
        // σₜ/σₛ with σₜ = 0 at the end is 0, and exp(−h) − 1 is −1: the result is x₀.
        let ratio = sigmas[i + 1] == 0 ? 0 : sigmaT / sigma0
        let a = Float(ratio), b = Float(alphaT * expm)
        // The previous step's x₀, which the second-order update needs (none on the first step).
        let previous = order == 2 ? modelOutputs[0] : nil
        if order == 1 || lowerOrderCount < 1 || finalFirstOrder || previous == nil {
            sample.withUnsafeMutableBufferPointer { s in
                x0.withUnsafeBufferPointer { d in
                    for k in 0..<s.count { s[k] = a * s[k] - b * d[k] }
                }
            }
        } else {
            let m1 = previous ?? x0
            let (alpha1, sigma1) = Self.alphaSigma(sigmas[i - 1])
            let lambdaS1 = log(alpha1) - log(sigma1)
            let r0 = (lambdaS0 - lambdaS1) / h
            let c = Float(0.5 * alphaT * expm / r0)
            sample.withUnsafeMutableBufferPointer { s in
                x0.withUnsafeBufferPointer { d in
                    m1.withUnsafeBufferPointer { m in
                        for k in 0..<s.count { s[k] = a * s[k] - b * d[k] - c * (d[k] - m[k]) }
                    }
                }
            }
        }
        if lowerOrderCount < order { lowerOrderCount += 1 }
    }
}
