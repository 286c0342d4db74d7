import Dispatch

/// Runs blocking work (decoding, file reads, synchronous bank transactions) on a Dispatch queue
/// instead of a thread of Swift's cooperative pool, which must never block.
public enum BlockingWork {
    private static let queue = DispatchQueue(label: "xpaste.blocking", qos: .utility, attributes: .concurrent)

    /// Runs `body` off the cooperative pool and returns its result.
    public static func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(E) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}
