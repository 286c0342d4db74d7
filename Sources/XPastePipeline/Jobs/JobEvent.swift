import Foundation

/// One entry of a job's history, as the event stream sends it: `state` (the job's state changed),
/// `stage` (a stage started or finished) or `progress` (a stage's counts moved).
public struct JobEvent: Sendable, Hashable, Codable {
    /// Position in the job's history, from 1: the SSE `id`, resumable with `Last-Event-ID`.
    public var sequence: Int64
    /// The event kind: the SSE `event` name.
    public var kind: String
    /// The payload: the SSE `data`, one line of JSON.
    public var data: PipelineValue
    /// When it was recorded.
    public var createdAt: Date

    /// An event.
    public init(sequence: Int64, kind: String, data: PipelineValue, createdAt: Date) {
        self.sequence = sequence
        self.kind = kind
        self.data = data
        self.createdAt = createdAt
    }
}
