import Dispatch
import Foundation

/// Waits, on the calling thread, for async bank work: for synchronous engines that run on threads
/// of their own (the compositor's render threads, `BlockingWork`, a command's main thread) and read
/// the bank as they go.
///
/// The work runs as a task on the cooperative pool while the caller's thread sleeps on a
/// semaphore. Never call this from a thread of the cooperative pool: with every pool thread
/// waiting here, the task that would wake them could never run.
public enum BlockingBridge {
    /// Runs `body` and returns its result once it finishes.
    public static func wait<T: Sendable, E: Error>(_ body: @escaping @Sendable () async throws(E) -> T) throws(E) -> T {
        let slot = ResultSlot<T, E>()
        let done = DispatchSemaphore(value: 0)
        Task {
            let result: Result<T, E>
            do throws(E) {
                result = .success(try await body())
            } catch {
                result = .failure(error)
            }
            slot.set(result)
            done.signal()
        }
        done.wait()
        return try slot.get().get()
    }

    /// One result handed from the task to the waiting thread (the semaphore orders the two).
    private final class ResultSlot<T: Sendable, E: Error>: @unchecked Sendable {
        private let lock = NSLock()
        private var result: Result<T, E>?
        func set(_ value: Result<T, E>) { lock.withLock { result = value } }
        func get() -> Result<T, E> { lock.withLock { result! } }
    }
}
