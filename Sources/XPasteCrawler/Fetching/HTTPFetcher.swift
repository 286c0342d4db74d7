import CCurl
import Foundation
import Synchronization

/// An HTTP(S) client on libcurl's multi interface: every transfer runs on one dedicated thread
/// (never a thread of Swift's cooperative pool), with a global and a per-host concurrency cap, a
/// per-host request rate, retries with exponential backoff and jitter on 429, 5xx, timeouts and
/// connection failures (honouring `Retry-After`), connect and total timeouts, a body cap enforced
/// while streaming, a redirect limit, HTTP/2 with connection reuse, proxies from the standard
/// environment variables, and the address guard on every connection curl opens.
///
/// `close()` ends the thread; pending requests then fail with `CrawlError.cancelled`.
public final class HTTPFetcher: Sendable {
    /// The configuration it runs with.
    public let configuration: FetcherConfiguration
    private let shared: FetcherShared

    /// Starts the fetcher thread.
    public init(configuration: FetcherConfiguration) throws(CrawlError) {
        if let problem = configuration.problem() { throw .invalidArgument(problem) }
        CurlGlobal.initialize()
        guard let multi = curl_multi_init() else { throw .curl(code: -1, message: "curl_multi_init failed") }
        self.configuration = configuration
        self.shared = FetcherShared(multi: multi)
        let loop = FetcherLoop(multi: multi, configuration: configuration, shared: shared)
        let thread = Thread { loop.run() }
        thread.name = "xpaste.fetcher"
        thread.start()
    }

    deinit { shared.stop() }

    /// Stops the thread; transfers in flight and waiting fail with `.cancelled`.
    public func close() { shared.stop() }

    /// Fetches `url` (http or https), following redirects and retrying per the configuration.
    /// Returns the final response whatever its status; throws for transport failures. With
    /// `imageOnly`, a 2xx body declared as text, JSON or XML is aborted at its first byte
    /// (`.wrongContentType`).
    public func fetch(_ url: String, imageOnly: Bool = true) async throws(CrawlError) -> FetchResponse {
        guard let components = URLComponents(string: url) else { throw .invalidURL(url) }
        guard let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw .schemeRefused(url)
        }
        guard let host = components.host?.lowercased(), !host.isEmpty else { throw .invalidURL(url) }
        let key = "\(scheme)://\(host):\(components.port ?? (scheme == "https" ? 443 : 80))"
        let id = shared.nextId()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Result<FetchResponse, CrawlError>, Never>) in
                shared.submit(FetchJob(id: id, url: url, host: key, imageOnly: imageOnly, continuation: c))
            }
        } onCancel: {
            shared.cancel(id)
        }
        return try result.get()
    }
}

/// What the caller side and the fetcher thread share: the inbox, cancellations and the stop flag.
final class FetcherShared: Sendable {
    private struct State {
        var inbox: [FetchJob] = []
        var cancelled: Set<UInt64> = []
        var stopped = false
        var counter: UInt64 = 0
    }
    private let state = Mutex(State())
    nonisolated(unsafe) let multi: UnsafeMutableRawPointer

    init(multi: UnsafeMutableRawPointer) { self.multi = multi }

    func nextId() -> UInt64 { state.withLock { $0.counter += 1; return $0.counter } }

    func submit(_ job: FetchJob) {
        let accepted = state.withLock { s -> Bool in
            guard !s.stopped else { return false }
            s.inbox.append(job)
            return true
        }
        if accepted { curl_multi_wakeup(multi) } else { job.continuation.resume(returning: .failure(.cancelled)) }
    }

    func cancel(_ id: UInt64) {
        let live = state.withLock { s -> Bool in
            guard !s.stopped else { return false }
            s.cancelled.insert(id)
            return true
        }
        if live { curl_multi_wakeup(multi) }
    }

    func stop() {
        let first = state.withLock { s -> Bool in
            defer { s.stopped = true }
            return !s.stopped
        }
        if first { curl_multi_wakeup(multi) }
    }

    /// New jobs, cancellations and whether to stop.
    func drain() -> (jobs: [FetchJob], cancelled: Set<UInt64>, stopped: Bool) {
        state.withLock { s in
            defer { s.inbox = []; s.cancelled = [] }
            return (s.inbox, s.cancelled, s.stopped)
        }
    }
}

/// libcurl's global state, initialised once per process.
enum CurlGlobal {
    private static let once: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()
    static func initialize() { _ = once }
}
