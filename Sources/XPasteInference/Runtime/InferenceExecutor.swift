import Dispatch

/// Runs blocking model calls on its own threads, at most `maxConcurrentRuns` at a time, so async
/// callers never block the cooperative pool and a burst of requests cannot oversubscribe the CPU
/// or GPU. Work starts in submission order.
public final class InferenceExecutor: Sendable {
    /// The most runs in flight at once.
    public let maxConcurrentRuns: Int
    private let admission: DispatchQueue
    private let workers: DispatchQueue
    private let slots: DispatchSemaphore

    /// An executor admitting `maxConcurrentRuns` (≥ 1) runs at a time.
    public init(maxConcurrentRuns: Int = 1, label: String = "xpaste.inference") {
        let n = max(1, maxConcurrentRuns)
        self.maxConcurrentRuns = n
        self.admission = DispatchQueue(label: "\(label).admission")
        self.workers = DispatchQueue(label: "\(label).workers", attributes: .concurrent)
        self.slots = DispatchSemaphore(value: n)
    }

    /// Runs `body` on the executor and returns its result. Throws `.cancelled` without running
    /// when the calling task is already cancelled.
    public func perform<T: Sendable>(
        _ body: @escaping @Sendable () throws(InferenceError) -> T
    ) async throws(InferenceError) -> T {
        if Task.isCancelled { throw .cancelled }
        let result: Result<T, InferenceError> = await withCheckedContinuation { continuation in
            // Only the admission queue's one thread ever waits for a slot; workers never block.
            admission.async { [slots, workers] in
                slots.wait()
                workers.async {
                    defer { slots.signal() }
                    do throws(InferenceError) {
                        continuation.resume(returning: .success(try body()))
                    } catch {
                        continuation.resume(returning: .failure(error))
                    }
                }
            }
        }
        return try result.get()
    }
}
