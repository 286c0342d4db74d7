import Foundation

/// A work item as stored, for listing and inspection.
public struct WorkItemRecord: Sendable, Hashable, Codable {
    /// The item's id.
    public var id: String
    /// The job it belongs to.
    public var jobId: String
    /// Its stage kind.
    public var stage: String
    /// Where it is.
    public var state: WorkItemState
    /// Attempts made so far.
    public var attempts: Int
    /// Attempts it gets in all.
    public var maxAttempts: Int
    /// The worker holding it (leased) or that finished it (done).
    public var worker: String?
    /// Why its last attempt failed.
    public var error: String?
    /// What the stage reported on success (JSON).
    public var result: Data?

    /// A record.
    public init(
        id: String, jobId: String, stage: String, state: WorkItemState, attempts: Int, maxAttempts: Int,
        worker: String?, error: String?, result: Data?
    ) {
        self.id = id
        self.jobId = jobId
        self.stage = stage
        self.state = state
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.worker = worker
        self.error = error
        self.result = result
    }
}
