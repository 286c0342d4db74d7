import Foundation

/// The fields of a diffusers `scheduler_config.json` that the schedulers read. Every field is
/// optional: as in diffusers' `from_config`, a field the file leaves out takes the default of the
/// scheduler that is built from it (DDIM's and Euler's defaults differ), so a model's PNDM config
/// can drive a DPM-Solver++ run the way X-Paste's script does.
public struct SchedulerConfiguration: Sendable, Hashable, Codable {
    /// The scheduler the model was saved with (`_class_name`), e.g. `PNDMScheduler`.
    public var className: String?
    /// T, the number of training timesteps.
    public var numTrainTimesteps: Int?
    /// First β of the schedule.
    public var betaStart: Double?
    /// Last β of the schedule.
    public var betaEnd: Double?
    /// `linear`, `scaled_linear` or `squaredcos_cap_v2`.
    public var betaSchedule: String?
    /// Explicit βs, overriding the schedule.
    public var trainedBetas: [Double]?
    /// What the denoiser predicts.
    public var predictionType: PredictionType?
    /// Added to "leading" timesteps (1 for SD 1.x).
    public var stepsOffset: Int?
    /// How inference timesteps are chosen.
    public var timestepSpacing: TimestepSpacing?
    /// DDIM/PNDM: ᾱ of the step after the last is 1 (true) or ᾱ₀ (false).
    public var setAlphaToOne: Bool?
    /// DDIM: clamp the predicted x₀ to ±`clipSampleRange`.
    public var clipSample: Bool?
    /// DDIM: the clamp's bound.
    public var clipSampleRange: Double?
    /// PNDM: skip the Runge–Kutta warm-up (SD's configs do).
    public var skipPrkSteps: Bool?
    /// DPM-Solver: order of the multistep solver (1 to 3; 2 is "2M").
    public var solverOrder: Int?
    /// DPM-Solver: `dpmsolver++` (data prediction).
    public var algorithmType: String?
    /// DPM-Solver: `midpoint` or `heun` second-order update.
    public var solverType: String?
    /// DPM-Solver: use first order for the last steps when there are fewer than 15.
    public var lowerOrderFinal: Bool?
    /// DPM-Solver: use first order for the very last step.
    public var eulerAtFinal: Bool?
    /// DPM-Solver: the last σ, `zero` or `sigma_min`.
    public var finalSigmasType: String?
    /// Karras σs (not supported: refused when set).
    public var useKarrasSigmas: Bool?
    /// Zero-terminal-SNR rescaling (not supported: refused when set).
    public var rescaleBetasZeroSnr: Bool?
    /// Dynamic thresholding (not supported: refused when set).
    public var thresholding: Bool?

    /// A configuration with every field left to the scheduler's default.
    public init() {}

    /// SD 1.x's training schedule (scaled linear β from 0.00085 to 0.012 over 1000 steps, ε,
    /// steps offset 1), the defaults X-Paste's generator uses.
    public static let stableDiffusion: SchedulerConfiguration = {
        var config = SchedulerConfiguration()
        config.numTrainTimesteps = 1000
        config.betaStart = 0.00085
        config.betaEnd = 0.012
        config.betaSchedule = "scaled_linear"
        config.predictionType = .epsilon
        config.stepsOffset = 1
        config.setAlphaToOne = false
        config.clipSample = false
        config.skipPrkSteps = true
        return config
    }()

    enum CodingKeys: String, CodingKey {
        case className = "_class_name"
        case numTrainTimesteps = "num_train_timesteps"
        case betaStart = "beta_start"
        case betaEnd = "beta_end"
        case betaSchedule = "beta_schedule"
        case trainedBetas = "trained_betas"
        case predictionType = "prediction_type"
        case stepsOffset = "steps_offset"
        case timestepSpacing = "timestep_spacing"
        case setAlphaToOne = "set_alpha_to_one"
        case clipSample = "clip_sample"
        case clipSampleRange = "clip_sample_range"
        case skipPrkSteps = "skip_prk_steps"
        case solverOrder = "solver_order"
        case algorithmType = "algorithm_type"
        case solverType = "solver_type"
        case lowerOrderFinal = "lower_order_final"
        case eulerAtFinal = "euler_at_final"
        case finalSigmasType = "final_sigmas_type"
        case useKarrasSigmas = "use_karras_sigmas"
        case rescaleBetasZeroSnr = "rescale_betas_zero_snr"
        case thresholding
    }

    /// Reads `scheduler_config.json`; unknown keys are ignored, as diffusers ignores them.
    public static func load(path: String) throws(InferenceError) -> SchedulerConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .modelNotFound("cannot read the scheduler configuration \(path)")
        }
        do {
            return try JSONDecoder().decode(SchedulerConfiguration.self, from: data)
        } catch {
            throw .invalidResource("\(path): not a diffusers scheduler configuration: \(error)")
        }
    }
}
