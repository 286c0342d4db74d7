import Synchronization

/// Wakes tasks waiting for work. A signal with nobody waiting is remembered once, so a wake-up that
/// lands between a worker's empty claim and its wait is not lost (it costs one extra claim at most).
public final class WakeSignal: Sendable {
    private struct State {
        var nextId: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Ids handed out whose continuation is not registered yet.
        var unregistered: Set<UInt64> = []
        /// Of those, the ones already told to wake.
        var resumedEarly: Set<UInt64> = []
        var pending = false
    }

    private let state = Mutex(State())

    /// A signal.
    public init() {}

    /// Wakes every waiter, or the next one to wait when there is none.
    public func signal() {
        let waiters = state.withLock { s in
            let w = s.waiters
            s.waiters = [:]
            if w.isEmpty { s.pending = true }
            return w
        }
        for continuation in waiters.values { continuation.resume() }
    }

    /// Suspends until `signal()`, `timeout`, or cancellation, whichever comes first.
    public func wait(timeout: Duration) async {
        let id: UInt64? = state.withLock { s in
            if s.pending {
                s.pending = false
                return nil
            }
            s.nextId += 1
            s.unregistered.insert(s.nextId)
            return s.nextId
        }
        guard let id else { return }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { self.resume(id) }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { s -> Bool in
                    s.unregistered.remove(id)
                    if s.resumedEarly.remove(id) != nil { return true }
                    s.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            self.resume(id)
        }
        timer.cancel()
    }

    private func resume(_ id: UInt64) {
        let continuation = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let c = s.waiters.removeValue(forKey: id) { return c }
            // Only a wait that has not registered yet needs to remember; a finished one is gone.
            if s.unregistered.contains(id) { s.resumedEarly.insert(id) }
            return nil
        }
        continuation?.resume()
    }
}
