/// Where a generation's time went, in seconds. `loopOverhead` is everything in the denoising loop
/// but the UNet call: input assembly, dtype conversion, guidance, the scheduler's step and the
/// host copies; its share of a step is the loop's cost over the model's.
public struct GenerationTimings: Sendable, Hashable, Codable {
    /// Tokenizing and the text encoder.
    public var textEncoding: Double = 0
    /// Inside the UNet calls.
    public var denoiser: Double = 0
    /// The rest of the denoising loop.
    public var loopOverhead: Double = 0
    /// The VAE decoder and the conversion to pixels.
    public var decoding: Double = 0
    /// Denoising steps run.
    public var steps: Int = 0
    /// Images drawn.
    public var images: Int = 0

    /// Zero everywhere.
    public init() {}

    /// Wall time of the whole generation.
    public var total: Double { textEncoding + denoiser + loopOverhead + decoding }
    /// The loop's own share of a denoising step.
    public var overheadShare: Double { denoiser + loopOverhead > 0 ? loopOverhead / (denoiser + loopOverhead) : 0 }
    /// Denoising steps per second (a step denoises the whole batch).
    public var stepsPerSecond: Double { denoiser + loopOverhead > 0 ? Double(steps) / (denoiser + loopOverhead) : 0 }
    /// Images per second over the whole generation.
    public var imagesPerSecond: Double { total > 0 ? Double(images) / total : 0 }

    /// Adds another batch's timings.
    public mutating func add(_ other: GenerationTimings) {
        textEncoding += other.textEncoding
        denoiser += other.denoiser
        loopOverhead += other.loopOverhead
        decoding += other.decoding
        steps += other.steps
        images += other.images
    }
}
