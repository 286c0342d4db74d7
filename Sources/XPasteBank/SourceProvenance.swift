/// Where a source image came from. Web sources fill the first group, generated ones the second;
/// whatever the source does not say stays nil.
public struct SourceProvenance: Sendable, Hashable, Codable {
    /// Page or file URL (crawled), or the original path (uploaded).
    public var url: String?
    /// Licence as the source states it (e.g. `CC BY-SA 4.0`).
    public var licence: String?
    /// Author or rights holder as the source states it.
    public var author: String?
    /// Text-to-image prompt.
    public var prompt: String?
    /// Negative prompt.
    public var negativePrompt: String?
    /// Seed of the initial latents.
    public var seed: UInt64?
    /// Model identifier (e.g. `runwayml/stable-diffusion-v1-5`).
    public var modelId: String?
    /// Scheduler name (e.g. `dpmsolver++2m`).
    public var scheduler: String?
    /// Denoising steps.
    public var steps: Int?
    /// Classifier-free guidance scale.
    public var guidance: Double?

    /// Creates a provenance record; every field is optional.
    public init(
        url: String? = nil, licence: String? = nil, author: String? = nil, prompt: String? = nil,
        negativePrompt: String? = nil, seed: UInt64? = nil, modelId: String? = nil, scheduler: String? = nil,
        steps: Int? = nil, guidance: Double? = nil
    ) {
        self.url = url
        self.licence = licence
        self.author = author
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.seed = seed
        self.modelId = modelId
        self.scheduler = scheduler
        self.steps = steps
        self.guidance = guidance
    }
}
