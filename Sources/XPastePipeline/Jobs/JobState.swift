/// Where a job is in its life. A pure state machine: `applying(_:)` is the only way a state
/// changes, and every pair of state and action has exactly one answer (tested exhaustively).
///
/// ```
/// queued ──start──► running ──succeed──► succeeded
///   │                 │  └──fail──────► failed
///   │                 ├──requestCancel──► cancelling ──stopped──► cancelled
///   │                 └──interrupt─────► queued (service stopping; resumes on next start)
///   └──requestCancel──────────────────────────────────────────► cancelled
/// succeeded / failed / cancelled ──retry──► queued
/// ```
public enum JobState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for the runner.
    case queued
    /// A stage of it is running.
    case running
    /// Asked to stop; stops at the next batch boundary.
    case cancelling
    /// Stopped on request before finishing.
    case cancelled
    /// Every stage finished.
    case succeeded
    /// A stage failed in a way that ends the job.
    case failed

    /// What can happen to a job.
    public enum Action: String, Sendable, Hashable, CaseIterable {
        /// The runner picks it up.
        case start
        /// The last stage finished.
        case succeed
        /// A stage failed for good.
        case fail
        /// A client asked to cancel.
        case requestCancel
        /// The runner stopped it at a batch boundary after a cancel request.
        case stopped
        /// The service is shutting down (or crashed) while it ran: it goes back to the queue.
        case interrupt
        /// A client asked to run its failed items again (or the job again after a cancel or failure).
        case retry
    }

    /// The state after `action`, or nil when the action is not allowed in this state.
    public func applying(_ action: Action) -> JobState? {
        switch (self, action) {
        case (.queued, .start): .running
        case (.queued, .requestCancel): .cancelled
        case (.running, .succeed): .succeeded
        case (.running, .fail): .failed
        case (.running, .requestCancel): .cancelling
        case (.running, .interrupt): .queued
        case (.cancelling, .stopped): .cancelled
        // A cancel that arrived while the last batch finished: the job stops as cancelled, since
        // the client asked for that and nothing more will run.
        case (.cancelling, .succeed), (.cancelling, .fail), (.cancelling, .interrupt): .cancelled
        case (.cancelling, .requestCancel): .cancelling
        case (.succeeded, .retry), (.failed, .retry), (.cancelled, .retry): .queued
        default: nil
        }
    }

    /// Whether the job will not run again unless retried.
    public var isFinished: Bool {
        switch self {
        case .succeeded, .failed, .cancelled: true
        case .queued, .running, .cancelling: false
        }
    }
}
