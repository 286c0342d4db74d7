import Foundation

/// An item a worker has claimed: what to do, and the lease that proves it may report the result.
public struct WorkItem: Sendable, Hashable {
    /// The item's id.
    public var id: String
    /// The job it belongs to.
    public var jobId: String
    /// Its stage kind.
    public var stage: String
    /// What the stage needs (JSON, as the stage encoded it).
    public var payload: Data
    /// Which attempt this is, from 1. It is also the lease's token: a worker whose lease expired and
    /// was taken over holds an older attempt number, so its late report is refused.
    public var attempt: Int
    /// Attempts the item gets in all.
    public var maxAttempts: Int

    /// A claimed item.
    public init(id: String, jobId: String, stage: String, payload: Data, attempt: Int, maxAttempts: Int) {
        self.id = id
        self.jobId = jobId
        self.stage = stage
        self.payload = payload
        self.attempt = attempt
        self.maxAttempts = maxAttempts
    }

    /// The lease this claim holds.
    public var lease: WorkLease { WorkLease(itemId: id, attempt: attempt) }
}

/// The proof a worker holds an item: its id and the attempt it claimed.
public struct WorkLease: Sendable, Hashable, Codable {
    /// The item.
    public var itemId: String
    /// The attempt number the claim gave.
    public var attempt: Int

    /// A lease.
    public init(itemId: String, attempt: Int) {
        self.itemId = itemId
        self.attempt = attempt
    }
}

/// A finished item's report: the lease it ran under and what it produced.
public struct WorkResult: Sendable, Hashable {
    /// The lease the work ran under.
    public var lease: WorkLease
    /// The stage's result (JSON), stored on the item; nil or empty for none.
    public var result: Data?

    /// A result.
    public init(lease: WorkLease, result: Data?) {
        self.lease = lease
        self.result = result
    }
}
