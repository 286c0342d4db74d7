/// The schedulers a generation can use, by the names the CLI, the pipeline files and the bank's
/// provenance record.
public enum SchedulerKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// DPM-Solver++ 2M, X-Paste's (the default).
    case dpmSolverPlusPlus2M = "dpmpp-2m"
    /// DDIM, η = 0.
    case ddim
    /// Euler (k-diffusion); sd-turbo's with "trailing" spacing.
    case euler
    /// Euler ancestral.
    case eulerAncestral = "euler-a"
    /// PNDM / PLMS, SD 1.x's saved default.
    case pndm

    public var description: String { rawValue }

    /// Parses a name: the canonical ones above, diffusers' class names, and common spellings
    /// (`dpm++2m`, `dpmsolver++`, `euler_a`, `plms`).
    public init?(parsing text: String) {
        let key = text.lowercased().replacingOccurrences(of: "_", with: "-")
        switch key {
        case "dpmpp-2m", "dpm++2m", "dpm++-2m", "dpmsolver++", "dpmsolvermultistepscheduler": self = .dpmSolverPlusPlus2M
        case "ddim", "ddimscheduler": self = .ddim
        case "euler", "eulerdiscretescheduler": self = .euler
        case "euler-a", "euler-ancestral", "eulerancestraldiscretescheduler": self = .eulerAncestral
        case "pndm", "plms", "pndmscheduler": self = .pndm
        default: return nil
        }
    }

    /// The scheduler a model's `_class_name` names, if it is one of these.
    public init?(className: String) { self.init(parsing: className) }

    /// A fresh scheduler for one run of `steps` steps over `config`'s training schedule.
    public func make(config: SchedulerConfiguration, steps: Int) throws(InferenceError) -> any NoiseScheduler {
        switch self {
        case .dpmSolverPlusPlus2M: try DPMSolverMultistepScheduler(config: config, steps: steps)
        case .ddim: try DDIMScheduler(config: config, steps: steps)
        case .euler: try EulerDiscreteScheduler(config: config, steps: steps)
        case .eulerAncestral: try EulerAncestralDiscreteScheduler(config: config, steps: steps)
        case .pndm: try PNDMScheduler(config: config, steps: steps)
        }
    }
}
