import Foundation

/// One event in a job's history (a state change, a progress report), numbered per job from 1 so a
/// client that lost its connection resumes after the last number it saw.
public struct LedgerEvent: Sendable, Hashable {
    /// The job.
    public var jobId: String
    /// Position in the job's history, from 1, without gaps.
    public var sequence: Int64
    /// What kind of event (`state`, `progress`, …).
    public var kind: String
    /// The event's JSON payload.
    public var data: Data
    /// When it was recorded.
    public var createdAt: Date

    /// An event row.
    public init(jobId: String, sequence: Int64, kind: String, data: Data, createdAt: Date) {
        self.jobId = jobId
        self.sequence = sequence
        self.kind = kind
        self.data = data
        self.createdAt = createdAt
    }
}
