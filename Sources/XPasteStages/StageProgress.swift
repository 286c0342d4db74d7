/// Where a running stage is, reported after every batch.
public struct StageProgress: Sendable, Hashable {
    /// The stage (`extract`, `filter`).
    public let stage: String
    /// Items finished so far.
    public let done: Int
    /// Items the stage set out to do.
    public let total: Int
    /// A short summary of the outcome so far (`12 instances, 1 failed`).
    public let detail: String

    /// A progress report.
    public init(stage: String, done: Int, total: Int, detail: String) {
        self.stage = stage
        self.done = done
        self.total = total
        self.detail = detail
    }

    /// A callback that receives progress reports.
    public typealias Handler = @Sendable (StageProgress) -> Void
}
