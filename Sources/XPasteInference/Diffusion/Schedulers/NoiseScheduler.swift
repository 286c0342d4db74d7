/// One of diffusers' noise schedulers, reimplemented step for step: the same timesteps, the same
/// model-input scaling and the same update, so a Swift loop reproduces a diffusers loop from the
/// same initial latents.
///
/// A scheduler is a value with the state of one denoising run (the multistep solvers remember
/// earlier model outputs); make a fresh one per batch with `SchedulerKind.make`.
public protocol NoiseScheduler: Sendable {
    /// The timesteps the denoiser is called with, in order (fractional for the sigma-based
    /// schedulers with "linspace" spacing, whole numbers otherwise).
    var timesteps: [Double] { get }
    /// The standard deviation of the initial noise: initial latents are unit Gaussian × this.
    var initNoiseSigma: Float { get }
    /// The factor the denoiser's input is scaled by at step `stepIndex` (1 except for the
    /// sigma-based schedulers, which divide by √(σ² + 1)).
    func modelInputScale(stepIndex: Int) -> Float
    /// One denoising step, in place: `sample` becomes the previous (less noisy) sample, from the
    /// denoiser's output at step `stepIndex`. `noise` is called for fresh unit Gaussian noise by
    /// the ancestral scheduler. In place because the loop runs it every step on every latent.
    mutating func step(modelOutput: [Float], stepIndex: Int, sample: inout [Float], noise: () -> [Float])
}

extension NoiseScheduler {
    /// The default: the denoiser sees the sample as it is.
    public func modelInputScale(stepIndex: Int) -> Float { 1 }

    /// One denoising step returning the previous sample (diffusers' `step(...).prev_sample`).
    public mutating func step(modelOutput: [Float], stepIndex: Int, sample: [Float], noise: () -> [Float]) -> [Float] {
        var result = sample
        step(modelOutput: modelOutput, stepIndex: stepIndex, sample: &result, noise: noise)
        return result
    }

    /// The denoiser's input at step `stepIndex`: `sample` × `modelInputScale` (diffusers'
    /// `scale_model_input`).
    public func scaleModelInput(_ sample: [Float], stepIndex: Int) -> [Float] {
        let factor = modelInputScale(stepIndex: stepIndex)
        return factor == 1 ? sample : sample.map { $0 * factor }
    }
}
