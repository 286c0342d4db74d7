/// One batch to draw: a prompt and a seed per image, and the sampling settings they share.
public struct GenerationRequest: Sendable, Hashable {
    /// One prompt per image.
    public var prompts: [String]
    /// What guidance steers away from (X-Paste: empty).
    public var negativePrompt: String
    /// One seed per image: the image's initial latents (and the ancestral scheduler's noise) come
    /// from its own seed, so an image can be drawn again alone.
    public var seeds: [UInt64]
    /// Denoising steps.
    public var steps: Int
    /// Classifier-free guidance scale; 1 or less runs the conditional branch alone.
    public var guidance: Double
    /// The scheduler.
    public var scheduler: SchedulerKind
    /// Image width in pixels (a multiple of the VAE's scale factor, 8 for SD).
    public var width: Int
    /// Image height in pixels.
    public var height: Int
    /// Unit Gaussian initial latents `[images, channels, height/8, width/8]` to start from instead
    /// of the seeds' (to reproduce another implementation's run from the same latents).
    public var initialLatents: [Float]?

    /// A request with X-Paste's settings: DPM-Solver++ 2M, 50 steps, guidance 7.5, 512 × 512.
    public init(
        prompts: [String], seeds: [UInt64], negativePrompt: String = "", steps: Int = 50, guidance: Double = 7.5,
        scheduler: SchedulerKind = .dpmSolverPlusPlus2M, width: Int = 512, height: Int = 512, initialLatents: [Float]? = nil
    ) {
        self.prompts = prompts
        self.seeds = seeds
        self.negativePrompt = negativePrompt
        self.steps = steps
        self.guidance = guidance
        self.scheduler = scheduler
        self.width = width
        self.height = height
        self.initialLatents = initialLatents
    }

    /// Whether the run is guided (two UNet branches per image).
    public var isGuided: Bool { guidance > 1 }
}
