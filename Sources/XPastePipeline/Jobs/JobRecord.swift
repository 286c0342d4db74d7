import Foundation

/// A job as stored and as the API returns it: what was asked, how it is planned, and where it is.
public struct JobRecord: Sendable, Hashable, Codable {
    /// The job id.
    public var id: String
    /// The pipeline's name.
    public var pipeline: String
    /// The pipeline as submitted (inline specs included), so a job runs what it was submitted with
    /// even when the file changes later.
    public var spec: PipelineSpec
    /// The categories, resolved to bank categories.
    public var categories: [JobCategory]
    /// The overrides as submitted.
    public var overrides: [String: PipelineValue]
    /// Where the job is.
    public var state: JobState
    /// Its stages, in order.
    public var stages: [StageStatus]
    /// Why it failed, when it did.
    public var error: JobFailure?
    /// How many times it was retried.
    public var attempt: Int
    /// The client's idempotency key, scoped by the route it came to (`jobs:KEY`, `datasets:KEY`).
    public var idempotencyKey: String?
    /// SHA-256 of the request that made the job, so a key reused for another request is refused.
    public var requestFingerprint: String?
    /// When it was submitted.
    public var createdAt: Date
    /// When its document last changed.
    public var updatedAt: Date
    /// When it last started running.
    public var startedAt: Date?
    /// When it finished.
    public var finishedAt: Date?

    /// The failure that ended a job.
    public struct JobFailure: Sendable, Hashable, Codable {
        /// The stage that failed.
        public var stage: String?
        /// The error's stable code.
        public var code: String
        /// What went wrong.
        public var message: String

        /// A failure.
        public init(stage: String?, code: String, message: String) {
            self.stage = stage
            self.code = code
            self.message = message
        }
    }

    /// The dataset folder name a composite stage writes (`<data>/datasets/<job id>`).
    public var datasetName: String { id }

    /// Whether the job writes a dataset.
    public var makesDataset: Bool { stages.contains { $0.stage == .composite && $0.state != .skipped } }

    enum CodingKeys: String, CodingKey {
        case id, pipeline, spec, categories, overrides, state, stages, error, attempt
        case idempotencyKey = "idempotency_key"
        case requestFingerprint = "request_fingerprint"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}
