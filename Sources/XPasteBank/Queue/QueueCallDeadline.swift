import Synchronization

/// Bounds how long one call to the queue may take. A call against a database that went away can
/// wait on a connection that will never answer (or, with postgres-nio, wait a minute for the pool
/// to give up on a server that refuses connections); a worker must not wait with it, or its
/// leases, commits and shutdown would hang behind it. Past the limit the call is cancelled and abandoned,
/// and the caller sees `unavailable`, which its retry loop already handles.
public enum QueueCallDeadline {
    private final class Race<T: Sendable>: Sendable {
        private struct State {
            var done = false
            var continuation: CheckedContinuation<Result<T, WorkQueueError>, Never>?
            var timer: Task<Void, Never>?
            var work: Task<Void, Never>?
        }

        private let state = Mutex(State())

        func start(_ continuation: CheckedContinuation<Result<T, WorkQueueError>, Never>) {
            state.withLock { $0.continuation = continuation }
        }

        /// Keeps the tasks so the winner can cancel the loser (at once, if it has already won).
        func hold(work: Task<Void, Never>, timer: Task<Void, Never>) {
            let finished = state.withLock { s -> Bool in
                s.work = work
                s.timer = timer
                return s.done
            }
            if finished {
                work.cancel()
                timer.cancel()
            }
        }

        func finish(_ result: Result<T, WorkQueueError>) {
            let (continuation, work, timer) = state.withLock { s -> (CheckedContinuation<Result<T, WorkQueueError>, Never>?, Task<Void, Never>?, Task<Void, Never>?) in
                guard !s.done else { return (nil, nil, nil) }
                s.done = true
                defer { s.continuation = nil }
                return (s.continuation, s.work, s.timer)
            }
            continuation?.resume(returning: result)
            work?.cancel()
            timer?.cancel()
        }
    }

    /// Runs `operation`, giving up with `unavailable` after `limit`.
    public static func run<T: Sendable>(
        _ what: String, limit: Duration, _ operation: @escaping @Sendable () async throws -> T
    ) async throws(WorkQueueError) -> T {
        let race = Race<T>()
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, WorkQueueError>, Never>) in
            race.start(continuation)
            let work = Task {
                do {
                    race.finish(.success(try await operation()))
                } catch let error as WorkQueueError {
                    race.finish(.failure(error))
                } catch {
                    race.finish(.failure(.database("\(error)")))
                }
            }
            let timer = Task {
                try? await Task.sleep(for: limit)
                if !Task.isCancelled { race.finish(.failure(.unavailable("\(what) did not answer within \(limit)"))) }
            }
            race.hold(work: work, timer: timer)
        }
        return try result.get()
    }
}
