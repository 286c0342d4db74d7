import Dispatch
import Synchronization

/// Wakes whoever waits on a job (an event stream, the runner) when the job's history grows. It
/// carries no data: a woken waiter reads the new events from the store, so nothing is lost when a
/// waiter is slow and memory per waiter stays constant.
///
/// A waiter first reads `generation`, then the store, then waits with that generation: a change
/// that lands in between returns at once, so no signal is ever missed.
public final class JobNotifier: Sendable {
    private struct Waiter {
        var jobId: String?
        var resume: @Sendable (Bool) -> Void
    }

    private struct State {
        var generation: UInt64 = 0
        var closed = false
        var nextId = 0
        var waiters: [Int: Waiter] = [:]
    }

    private let state = Mutex(State())

    /// A notifier.
    public init() {}

    /// A counter that moves on every signal.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// Whether the service is stopping (waits return at once).
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Signals the waiters of `jobId` and those waiting on every job.
    public func signal(_ jobId: String) {
        let woken = state.withLock { s -> [@Sendable (Bool) -> Void] in
            s.generation &+= 1
            let ids = s.waiters.filter { $0.value.jobId == nil || $0.value.jobId == jobId }.map(\.key)
            return ids.compactMap { s.waiters.removeValue(forKey: $0)?.resume }
        }
        for w in woken { w(true) }
    }

    /// Waits until `jobId` (nil: any job) changes after `generation`, the timeout passes (false),
    /// or the notifier closes.
    public func wait(for jobId: String?, after generation: UInt64, timeout: Duration) async -> Bool {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let once = Mutex(false)
            let resume: @Sendable (Bool) -> Void = { changed in
                let first = once.withLock { done -> Bool in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(returning: changed) }
            }
            let (id, immediate) = state.withLock { s -> (Int, Bool?) in
                if s.closed { return (0, false) }
                if s.generation != generation { return (0, true) }
                s.nextId += 1
                s.waiters[s.nextId] = Waiter(jobId: jobId, resume: resume)
                return (s.nextId, nil)
            }
            if let immediate {
                resume(immediate)
                return
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [weak self] in
                _ = self?.state.withLock { $0.waiters.removeValue(forKey: id) }
                resume(false)
            }
        }
    }

    /// Wakes every waiter and makes later waits return at once (the service is stopping).
    public func close() {
        let woken = state.withLock { s -> [@Sendable (Bool) -> Void] in
            s.closed = true
            defer { s.waiters.removeAll() }
            return s.waiters.values.map(\.resume)
        }
        for w in woken { w(false) }
    }
}
