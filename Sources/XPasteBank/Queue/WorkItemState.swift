/// Where a work item is in its life: queued → leased → done, or back to queued when its lease
/// expires or it fails and may retry, or failed once its attempts are used up.
public enum WorkItemState: String, Sendable, Codable, CaseIterable {
    /// Waiting for a worker.
    case queued
    /// Held by a worker under a lease.
    case leased
    /// Finished; its result committed with this mark.
    case done
    /// Given up on after its last attempt; `error` says why.
    case failed
}
