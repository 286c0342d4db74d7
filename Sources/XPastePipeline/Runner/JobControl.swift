import Synchronization

/// The stop switch of one running job: stages ask it at every batch boundary.
public final class JobControl: Sendable {
    /// Why a job is asked to stop.
    public enum StopReason: Sendable, Hashable {
        /// A client cancelled it.
        case cancel
        /// The service is shutting down; the job goes back to the queue.
        case shutdown
    }

    private let reason = Mutex<StopReason?>(nil)

    /// A switch, not thrown.
    public init() {}

    /// Asks the job to stop; a cancel wins over a shutdown.
    public func stop(_ why: StopReason) {
        reason.withLock { current in
            if current != .cancel { current = why }
        }
    }

    /// Why the job was asked to stop, if it was.
    public var stopReason: StopReason? { reason.withLock { $0 } }

    /// Whether the job should go on.
    public var shouldContinue: Bool { stopReason == nil }
}
