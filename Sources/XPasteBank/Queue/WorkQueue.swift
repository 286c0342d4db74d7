import Foundation
import Logging

/// The work queue workers pull from: items with deterministic ids, claimed in batches under leases
/// that heartbeats extend, finished exactly once. SQLite (`SQLiteWorkQueue`) serves the processes of
/// one host; PostgreSQL (`PostgresWorkQueue` in XPastePostgres) serves workers on many hosts.
///
/// The guarantees every driver keeps, and the conformance suite checks:
/// - `enqueue` adds an id once; later enqueues of the same id change nothing.
/// - `claim` hands each runnable item to one worker at a time; an item whose lease expired is
///   runnable again (or failed, when that was its last attempt).
/// - `complete` and `fail` take effect only while the caller's lease is the item's current one, so
///   a worker that lost its lease (it stalled, the item went to another worker) cannot finish it a
///   second time: every done item has exactly one recorded completion.
public protocol WorkQueue: Sendable {
    /// Where the queue logs.
    var logger: Logger { get }

    /// Adds `items` in one transaction; ids already in the queue are left as they are. Returns how
    /// many were new. Idle workers of those stages are woken.
    func enqueue(_ items: [NewWorkItem]) async throws(WorkQueueError) -> Int

    /// Takes up to `limit` runnable items of `stages` for `worker`, oldest first, each leased for
    /// `lease`. Items whose lease has expired are reclaimed first.
    func claim(stages: [String], worker: String, limit: Int, lease: Duration) async throws(WorkQueueError) -> [WorkItem]

    /// Extends the leases `worker` holds to `lease` from now; returns the item ids it still holds
    /// (a lease that expired and was taken over is gone).
    func heartbeat(_ leases: [WorkLease], worker: String, lease: Duration) async throws(WorkQueueError) -> Set<String>

    /// Marks items done with their results, each in the same transaction as its completion record
    /// and only where `worker` still holds the lease; returns the ids that were marked. An item whose
    /// lease was lost is left as it is (its result is dropped: another attempt owns it now).
    func complete(_ results: [WorkResult], worker: String) async throws(WorkQueueError) -> Set<String>

    /// Records a failed attempt: with `retry` and attempts left the item is queued again after
    /// `backoff`, otherwise it ends failed with `error`. Returns false when `worker` no longer holds
    /// `lease`.
    func fail(_ lease: WorkLease, worker: String, error: String, retry: Bool, backoff: Duration) async throws(WorkQueueError) -> Bool

    /// Gives items back unfinished (a worker shutting down): they are queued again at once and the
    /// attempt is not counted.
    func release(_ leases: [WorkLease], worker: String) async throws(WorkQueueError)

    /// Item counts by state, for one job or (nil) the whole queue.
    func counts(jobId: String?) async throws(WorkQueueError) -> WorkCounts

    /// A job's items in id order after `afterId`, at most `limit` (1…1000), optionally in one state.
    func items(jobId: String, state: WorkItemState?, afterId: String?, limit: Int) async throws(WorkQueueError) -> [WorkItemRecord]

    /// How many completions were recorded for each of a job's items (the audit the exactly-once
    /// guarantee is checked against). Items never completed are absent.
    func completionCounts(jobId: String) async throws(WorkQueueError) -> [String: Int]

    /// Deletes a job's items and their completion records; returns how many items went.
    func removeItems(jobId: String) async throws(WorkQueueError) -> Int

    /// Records or replaces a worker's report (its `lastSeen` becomes the queue's now).
    func report(_ worker: WorkerReport) async throws(WorkQueueError)

    /// Deletes the reports of workers not seen for `age` (stopped or dead long ago); returns how
    /// many went.
    func pruneWorkers(notSeenFor age: Duration) async throws(WorkQueueError) -> Int

    /// Workers seen within `within` of now, newest first.
    func workers(seenWithin within: Duration) async throws(WorkQueueError) -> [WorkerReport]

    /// Suspends until work for `stages` may have arrived — a notification from `enqueue`, a retry
    /// falling due — or `timeout` passes. Returns early when the task is cancelled.
    func waitForWork(stages: [String], timeout: Duration) async
}

extension WorkQueue {
    /// Marks one item done; false when `worker` no longer holds `lease`.
    public func complete(_ lease: WorkLease, worker: String, result: Data?) async throws(WorkQueueError) -> Bool {
        try await complete([WorkResult(lease: lease, result: result)], worker: worker).contains(lease.itemId)
    }
}

extension Duration {
    /// The duration in seconds, as a Double (for SQL intervals and time stamps).
    public var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
