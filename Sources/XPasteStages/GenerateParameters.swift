import XPasteInference

/// The generate stage's parameters, with X-Paste's defaults (SD 1.5, `a photo of a single {name}`,
/// DPM-Solver++ 2M, 50 steps, guidance 7.5, 512 × 512): one type for `xpaste generate`'s flags, a
/// pipeline file's `with:` and a job request's overrides. Keys are snake_case in YAML and JSON.
public struct GenerateParameters: Sendable, Hashable, Codable {
    /// The Stable Diffusion model: a folder in the models folder (`xpaste models pull sd-1.5`).
    public var model: String = "sd-1.5"
    /// Images wanted per category; generated sources already in the bank count.
    public var count: Int = 100
    /// Denoising steps (sd-turbo: 1 to 4).
    public var steps: Int = 50
    /// Classifier-free guidance scale; 1 or less turns guidance off (sd-turbo: 0).
    public var guidance: Double = 7.5
    /// `dpmpp-2m`, `ddim`, `euler`, `euler-a` or `pndm`.
    public var scheduler: String = SchedulerKind.dpmSolverPlusPlus2M.rawValue
    /// Image width, a multiple of 8.
    public var width: Int = 512
    /// Image height, a multiple of 8.
    public var height: Int = 512
    /// Images per UNet batch and per bank transaction (the cancel granularity).
    public var batchSize: Int = 1
    /// The prompt; `{name}` is the category's name with underscores as spaces.
    public var promptTemplate: String = GenerateParameters.xpastePrompt
    /// The negative prompt.
    public var negativePrompt: String = ""
    /// Base seed: image k of a category is drawn from a seed derived from this, the category's name
    /// and k, so a re-run or a resumed job draws the same images.
    public var seed: UInt64 = 0

    /// X-Paste's prompt.
    public static let xpastePrompt = "a photo of a single {name}"

    /// X-Paste's defaults.
    public init() {}

    /// The scheduler, when its name is known.
    public var schedulerKind: SchedulerKind? { SchedulerKind(parsing: scheduler) }

    /// The prompt for a category name (underscores become spaces, as X-Paste writes LVIS names).
    public func prompt(for categoryName: String) -> String {
        promptTemplate.replacingOccurrences(of: "{name}", with: categoryName.replacingOccurrences(of: "_", with: " "))
    }

    /// The first problem with these values, or nil when they are usable.
    public func problem() -> String? {
        if !ExtractParameters.isPlainName(model) && !model.hasPrefix("/") {
            return "model: \"\(model)\" is neither a model folder name nor an absolute path"
        }
        if !(1...1_000_000).contains(count) { return "count: must be in 1…1000000, got \(count)" }
        if !(1...1000).contains(steps) { return "steps: must be in 1…1000, got \(steps)" }
        if !guidance.isFinite || !(0...100).contains(guidance) { return "guidance: must be in 0…100, got \(guidance)" }
        if schedulerKind == nil {
            return "scheduler: unknown \"\(scheduler)\"; known: \(SchedulerKind.allCases.map(\.rawValue).joined(separator: ", "))"
        }
        for (key, side) in [("width", width), ("height", height)] where !(64...2048).contains(side) || side % 8 != 0 {
            return "\(key): must be a multiple of 8 in 64…2048, got \(side)"
        }
        if !(1...64).contains(batchSize) { return "batch_size: must be in 1…64, got \(batchSize)" }
        if !promptTemplate.contains("{name}") { return "prompt_template: must contain {name}" }
        if promptTemplate.count > 1000 || negativePrompt.count > 1000 { return "prompt_template: prompts are limited to 1000 characters" }
        return nil
    }
}
