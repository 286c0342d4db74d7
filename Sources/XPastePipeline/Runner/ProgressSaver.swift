import Synchronization
import XPasteStages

/// Saves a stage's progress reports from the synchronous progress callback without blocking it:
/// the latest report waits here and one task saves it (reports arriving meanwhile replace it, so
/// a slow ledger costs skipped intermediate reports, never a stalled stage). `flush()` waits until
/// nothing is pending, so the stage's final state is saved after its last progress.
final class ProgressSaver: Sendable {
    private struct State {
        var pending: StageProgress?
        var saving = false
        var idle: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let save: @Sendable (StageProgress) async -> Void

    init(save: @escaping @Sendable (StageProgress) async -> Void) {
        self.save = save
    }

    /// Keeps `report` to be saved, starting the saving task when none runs.
    func offer(_ report: StageProgress) {
        let start = state.withLock { s -> Bool in
            s.pending = report
            guard !s.saving else { return false }
            s.saving = true
            return true
        }
        if start { Task { await self.drain() } }
    }

    /// Returns once every offered report is saved.
    func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                guard s.saving else { return true }
                s.idle.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private func drain() async {
        while true {
            let next = state.withLock { s -> StageProgress? in
                defer { s.pending = nil }
                return s.pending
            }
            guard let report = next else {
                let (stop, waiters) = state.withLock { s -> (Bool, [CheckedContinuation<Void, Never>]) in
                    // A report may have arrived between the take and here: keep saving then.
                    guard s.pending == nil else { return (false, []) }
                    s.saving = false
                    defer { s.idle.removeAll() }
                    return (true, s.idle)
                }
                guard stop else { continue }
                for w in waiters { w.resume() }
                return
            }
            await save(report)
        }
    }
}
