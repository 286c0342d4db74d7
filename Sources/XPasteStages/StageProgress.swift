/// Where a running stage is, reported after every batch.
public struct StageProgress: Sendable, Hashable {
    /// The stage (`extract`, `filter`).
    public let stage: String
    /// Items finished so far (failed ones included).
    public let done: Int
    /// Items the stage set out to do.
    public let total: Int
    /// A short summary of the outcome so far (`12 instances, 1 failed`).
    public let detail: String
    /// Items that failed so far.
    public let failed: Int
    /// Failures so far by error code (`image.truncated: 3`).
    public let errorCounts: [String: Int]

    /// A progress report.
    public init(stage: String, done: Int, total: Int, detail: String, failed: Int = 0, errorCounts: [String: Int] = [:]) {
        self.stage = stage
        self.done = done
        self.total = total
        self.detail = detail
        self.failed = failed
        self.errorCounts = errorCounts
    }

    /// A callback that receives progress reports.
    public typealias Handler = @Sendable (StageProgress) -> Void

    /// Asked at every batch boundary: false stops the stage there (a cancel or a shutdown), after
    /// the finished batch has committed.
    public typealias Continuation = @Sendable () -> Bool

    /// The error code of a stored failure text (`"image.truncated: …"` → `image.truncated`).
    public static func code(ofFailure text: String) -> String {
        let head = text.prefix { $0 != ":" && $0 != " " }
        return head.isEmpty || head.count == text.count ? "other" : String(head)
    }
}
