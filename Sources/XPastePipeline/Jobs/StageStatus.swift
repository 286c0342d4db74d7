import Foundation

/// One stage of a job as the job document records it: its plan and where it is.
public struct StageStatus: Sendable, Hashable, Codable {
    /// Where a stage is.
    public enum State: String, Sendable, Hashable, Codable {
        /// Not started.
        case pending
        /// Running now.
        case running
        /// Finished (some items may have failed; see `failed`).
        case done
        /// Switched off in the pipeline or by an override.
        case skipped
        /// Ended the job with an error.
        case failed
    }

    /// The stage id in the pipeline.
    public var id: String
    /// The stage kind.
    public var stage: StageKind
    /// The parameters it runs with (defaults, pipeline and overrides merged).
    public var parameters: PipelineValue
    /// Where it is.
    public var state: State
    /// Items it set out to do.
    public var total: Int
    /// Items finished (failed ones included).
    public var done: Int
    /// Items that failed.
    public var failed: Int
    /// Finished items per second since the stage started (this run).
    public var itemsPerSecond: Double
    /// Seconds left at the current rate (nil until there is a rate).
    public var etaSeconds: Double?
    /// The most frequent errors, most frequent first.
    public var errors: [ErrorCount]
    /// A short summary (`12 instances, 1 failed`).
    public var detail: String
    /// When it last started.
    public var startedAt: Date?
    /// When it finished.
    public var finishedAt: Date?

    /// An error code and how often it occurred.
    public struct ErrorCount: Sendable, Hashable, Codable {
        /// The error code.
        public var code: String
        /// Occurrences.
        public var count: Int

        /// An error count.
        public init(code: String, count: Int) {
            self.code = code
            self.count = count
        }
    }

    /// A stage not started yet.
    public init(id: String, stage: StageKind, parameters: PipelineValue, enabled: Bool) {
        self.id = id
        self.stage = stage
        self.parameters = parameters
        self.state = enabled ? .pending : .skipped
        self.total = 0
        self.done = 0
        self.failed = 0
        self.itemsPerSecond = 0
        self.etaSeconds = nil
        self.errors = []
        self.detail = ""
    }

    enum CodingKeys: String, CodingKey {
        case id, stage, parameters, state, total, done, failed, detail, errors
        case itemsPerSecond = "items_per_second"
        case etaSeconds = "eta_seconds"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}
