/// How many items are in each state (for one job, or the whole queue).
public struct WorkCounts: Sendable, Hashable, Codable {
    /// Waiting for a worker.
    public var queued: Int
    /// Held by workers now.
    public var leased: Int
    /// Finished.
    public var done: Int
    /// Given up on.
    public var failed: Int

    /// Counts.
    public init(queued: Int = 0, leased: Int = 0, done: Int = 0, failed: Int = 0) {
        self.queued = queued
        self.leased = leased
        self.done = done
        self.failed = failed
    }

    /// Every item.
    public var total: Int { queued + leased + done + failed }
    /// Whether nothing is left to run.
    public var isSettled: Bool { queued == 0 && leased == 0 }

    /// Adds `count` items in `state`.
    public mutating func add(_ state: WorkItemState, _ count: Int) {
        switch state {
        case .queued: queued += count
        case .leased: leased += count
        case .done: done += count
        case .failed: failed += count
        }
    }
}
