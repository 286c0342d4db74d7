import Foundation

/// robots.txt per scheme, host and port: fetched once (concurrent askers share the fetch), cached
/// for the crawl, and asked before every image URL. A 4xx means no rules; a 5xx or an unreachable
/// host means everything is disallowed (RFC 9309 §2.3.1.4).
public actor RobotsCache {
    private let fetcher: HTTPFetcher
    private let agent: String
    private var rules: [String: Task<RobotsRules, Never>] = [:]

    /// A cache fetching with `fetcher`, for the product token `agent`.
    public init(fetcher: HTTPFetcher, agent: String) {
        self.fetcher = fetcher
        self.agent = agent
    }

    /// Whether `url` may be fetched.
    public func allows(_ url: String) async -> Bool {
        guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(), let host = c.host?.lowercased() else { return false }
        let port = c.port.map { ":\($0)" } ?? ""
        let origin = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host)\(port)"
        let task: Task<RobotsRules, Never>
        if let t = rules[origin] {
            task = t
        } else {
            let fetcher = fetcher, agent = agent
            task = Task {
                do throws(CrawlError) {
                    let r = try await fetcher.fetch(origin + "/robots.txt", imageOnly: false)
                    if (200...299).contains(r.status) {
                        return RobotsRules(parsing: String(decoding: r.body, as: UTF8.self), agent: agent)
                    }
                    return (400...499).contains(r.status) ? .allowAll : .disallowAll
                } catch {
                    // The guard refused the host: no rules to honour, and the image fetch that
                    // follows is refused by the guard too, under its own reason.
                    if case .addressRefused = error { return .allowAll }
                    return .disallowAll
                }
            }
            rules[origin] = task
        }
        var path = c.percentEncodedPath.isEmpty ? "/" : c.percentEncodedPath
        if let q = c.percentEncodedQuery { path += "?" + q }
        return await task.value.allows(path)
    }
}
