import Dispatch

/// Runs blocking or CPU-heavy work (decoding, file reads) on a Dispatch queue, off Swift's
/// cooperative pool.
enum OffPool {
    private static let queue = DispatchQueue(label: "xpaste.crawler.work", qos: .utility, attributes: .concurrent)

    static func run<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { c in
            queue.async {
                do throws(E) { c.resume(returning: .success(try body())) } catch { c.resume(returning: .failure(error)) }
            }
        }
        return try result.get()
    }
}
