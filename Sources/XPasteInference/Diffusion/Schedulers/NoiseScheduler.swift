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
    /// Scales the denoiser's input at step `stepIndex` (identity except for the sigma-based
    /// schedulers, which divide by √(σ² + 1)).
    func scaleModelInput(_ sample: [Float], stepIndex: Int) -> [Float]
    /// One denoising step: the previous (less noisy) sample from the denoiser's output at step
    /// `stepIndex`. `noise` is called for fresh unit Gaussian noise by the ancestral scheduler.
    mutating func step(modelOutput: [Float], stepIndex: Int, sample: [Float], noise: () -> [Float]) -> [Float]
}

extension NoiseScheduler {
    /// The default: the denoiser sees the sample as it is.
    public func scaleModelInput(_ sample: [Float], stepIndex: Int) -> [Float] { sample }
}
