/// How the fetcher behaves: concurrency, politeness, limits and retries.
public struct FetcherConfiguration: Sendable, Hashable {
    /// Transfers in flight at once, over all hosts.
    public var maxConcurrent: Int = 64
    /// Transfers in flight at once per host.
    public var maxPerHost: Int = 8
    /// Requests started per second per host (0: no limit).
    public var perHostRate: Double = 0
    /// Connect timeout in seconds.
    public var connectTimeout: Double = 10
    /// Whole-transfer timeout in seconds.
    public var totalTimeout: Double = 30
    /// Largest body kept; the transfer is aborted when it passes this.
    public var maxBodyBytes: Int = 32 << 20
    /// Redirects followed.
    public var maxRedirects: Int = 5
    /// Retries after the first attempt (429, 5xx, timeouts, connection failures).
    public var retries: Int = 2
    /// First backoff delay in seconds; doubles each retry, with jitter.
    public var backoffBase: Double = 0.5
    /// Longest backoff or `Retry-After` honoured, in seconds; a longer `Retry-After` ends retrying.
    public var maxBackoff: Double = 60
    /// The User-Agent header: product token, version and a contact.
    public var userAgent: String = "xpaste/0.1 (+https://github.com/xpaste/xpaste; crawler contact: see README)"
    /// The address guard checked on every connection.
    public var addressGuard: AddressGuard = AddressGuard()
    /// Hosts that bypass environment proxies (curl's `NOPROXY` list); nil keeps `no_proxy`.
    public var noProxy: String? = nil

    /// The defaults.
    public init() {}

    /// The first problem with the values, or nil.
    public func problem() -> String? {
        if !(1...4096).contains(maxConcurrent) { return "concurrency must be in 1…4096" }
        if !(1...1024).contains(maxPerHost) { return "per-host concurrency must be in 1…1024" }
        if perHostRate < 0 || !perHostRate.isFinite { return "per-host rate must be ≥ 0" }
        if !(connectTimeout > 0), !(totalTimeout > 0) { return "timeouts must be positive" }
        if maxBodyBytes < 1 { return "body cap must be positive" }
        if !(0...50).contains(maxRedirects) { return "redirects must be in 0…50" }
        if !(0...20).contains(retries) { return "retries must be in 0…20" }
        return nil
    }
}
