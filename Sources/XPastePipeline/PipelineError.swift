import XPasteBank
import XPasteCompositor
import XPasteInference
import XPasteStages

/// Failures of the job layer: bad pipeline files or job requests (found before a job exists), a
/// job that cannot be found or changed, and stage failures that end a job.
///
/// Each case has a stable `code`; the HTTP layer maps codes to statuses and problem+json.
public enum PipelineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A pipeline file or inline spec is not valid: `location` names the file and line when known,
    /// `field` the JSON path of the offending value (`stages[1].with.batch`).
    case invalidSpec(location: String?, field: String, message: String)
    /// A job request is not valid (empty category list, unknown override, bad parameter value).
    case invalidRequest(field: String, message: String)
    /// An `Idempotency-Key` already used for a different request.
    case idempotencyKeyReused(String)
    /// No pipeline with this name is installed.
    case unknownPipeline(String)
    /// The pipeline uses a stage this build does not have yet.
    case stageUnavailable(stage: String, message: String)
    /// Models the pipeline needs are not installed; each entry says how to get it.
    case missingModels([MissingModel])
    /// A server-side path outside the roots the operator allows.
    case pathNotAllowed(path: String, rule: String)
    /// A server-side path that does not exist or cannot be read.
    case pathNotFound(String)
    /// No job with this id.
    case unknownJob(String)
    /// The job is in a state that does not allow the operation (retry a running job, …).
    case invalidTransition(job: String, from: JobState, action: String)
    /// The job store failed.
    case store(BankError)
    /// A stage failed in a way that ends the job.
    case stage(code: String, message: String)

    /// A model a pipeline needs that is not installed.
    public struct MissingModel: Sendable, Hashable, Codable {
        /// The model's name (a folder in the models folder).
        public var name: String
        /// The stage that needs it.
        public var stage: String
        /// How to get it (`xpaste models pull NAME`, or why it cannot be pulled).
        public var remedy: String

        /// A missing model.
        public init(name: String, stage: String, remedy: String) {
            self.name = name
            self.stage = stage
            self.remedy = remedy
        }
    }

    /// Stable machine-readable code.
    public var code: String {
        switch self {
        case .invalidSpec: "pipeline.invalid_spec"
        case .invalidRequest: "job.invalid_request"
        case .idempotencyKeyReused: "request.idempotency_key_reused"
        case .unknownPipeline: "pipeline.unknown"
        case .stageUnavailable: "pipeline.stage_unavailable"
        case .missingModels: "pipeline.missing_models"
        case .pathNotAllowed: "path.not_allowed"
        case .pathNotFound: "path.not_found"
        case .unknownJob: "job.not_found"
        case .invalidTransition: "job.invalid_transition"
        case .store(let e): e.code
        case .stage(let code, _): code
        }
    }

    /// Human-readable explanation.
    public var description: String {
        switch self {
        case .invalidSpec(let location, let field, let message):
            "\(location.map { "\($0): " } ?? "")\(field): \(message)"
        case .invalidRequest(let field, let message): "\(field): \(message)"
        case .idempotencyKeyReused(let key):
            "Idempotency-Key \(key) was already used for a different request; use a new key for a new request"
        case .unknownPipeline(let name): "no pipeline named \"\(name)\" (GET /v1/pipelines lists them)"
        case .stageUnavailable(let stage, let message): "stage \"\(stage)\" is not available: \(message)"
        case .missingModels(let models):
            "missing models: " + models.map { "\($0.name) (for \($0.stage); \($0.remedy))" }.joined(separator: "; ")
        case .pathNotAllowed(let path, let rule): "\(path) is not allowed: \(rule)"
        case .pathNotFound(let path): "\(path) does not exist or cannot be read"
        case .unknownJob(let id): "no job with id \(id)"
        case .invalidTransition(let job, let from, let action): "job \(job) is \(from.rawValue): cannot \(action)"
        case .store(let e): e.description
        case .stage(_, let message): message
        }
    }

    /// A stage error as a job failure.
    static func from(_ error: StageError) -> PipelineError { .stage(code: error.code, message: error.description) }
    /// A compositor error as a job failure.
    static func from(_ error: CompositorError) -> PipelineError { .stage(code: error.code, message: error.description) }
    /// An inference error as a job failure.
    static func from(_ error: InferenceError) -> PipelineError { .stage(code: error.code, message: error.description) }
}
