import Foundation
import XPasteImage

/// Fetches and checks one candidate at a time (callers run many at once): the scheme and address
/// guard, robots.txt, the fetch itself, the status, `X-Robots-Tag`, then validation off the
/// cooperative pool. `file://` candidates (folder sources) are read from disk instead.
public struct Crawler: Sendable {
    /// What a crawl of one candidate gave.
    public struct Fetched: Sendable {
        /// The candidate.
        public var candidate: ImageCandidate
        /// The checked image.
        public var image: ValidatedImage
        /// The URL of the last hop.
        public var finalURL: String
        /// Attempts the fetch took.
        public var attempts: Int
    }

    /// The fetcher.
    public let fetcher: HTTPFetcher
    /// robots.txt rules per host.
    public let robots: RobotsCache
    /// Honour robots.txt.
    public var respectRobots: Bool
    /// The product token robots.txt groups and `X-Robots-Tag` agent prefixes are matched against.
    public var agentToken: String
    /// `X-Robots-Tag` directives that refuse an image (empty: ignore the header).
    public var refusedDirectives: Set<String>
    /// The checks.
    public var validator: ImageValidator

    /// A crawler.
    public init(
        fetcher: HTTPFetcher, validation: ValidationOptions = .init(), respectRobots: Bool = true, agentToken: String = "xpaste",
        refusedDirectives: Set<String> = XRobotsTag.refusedDirectives
    ) {
        self.fetcher = fetcher
        self.robots = RobotsCache(fetcher: fetcher, agent: agentToken)
        self.respectRobots = respectRobots
        self.agentToken = agentToken
        self.refusedDirectives = refusedDirectives
        self.validator = ImageValidator(options: validation)
    }

    /// Fetches and validates one candidate.
    public func crawl(_ candidate: ImageCandidate) async throws(CrawlError) -> Fetched {
        let validator = validator
        if candidate.url.hasPrefix("file://") {
            guard let path = URL(string: candidate.url)?.path else { throw .invalidURL(candidate.url) }
            let cap = validator.options.limits.maxInputBytes
            let image = try await OffPool.run { () throws(CrawlError) -> ValidatedImage in
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                guard size <= cap else { throw .bodyTooLarge(cap) }
                guard let data = FileManager.default.contents(atPath: path) else { throw .image(.readFailed(path)) }
                return try validator.validate([UInt8](data))
            }
            return Fetched(candidate: candidate, image: image, finalURL: candidate.url, attempts: 1)
        }
        guard let c = URLComponents(string: candidate.url), c.host?.isEmpty == false else { throw .invalidURL(candidate.url) }
        guard let scheme = c.scheme?.lowercased(), scheme == "http" || scheme == "https" else { throw .schemeRefused(candidate.url) }
        if respectRobots, !(await robots.allows(candidate.url)) { throw .robotsDisallowed(candidate.url) }
        let response = try await fetcher.fetch(candidate.url)
        guard (200...299).contains(response.status) else { throw .http(status: response.status) }
        if !refusedDirectives.isEmpty, let hit = XRobotsTag.refusal(response.xRobotsTags, agent: agentToken, refused: refusedDirectives) {
            throw .xRobotsTag(hit)
        }
        let body = response.body
        let image = try await OffPool.run { () throws(CrawlError) -> ValidatedImage in try validator.validate(body) }
        return Fetched(candidate: candidate, image: image, finalURL: response.effectiveURL, attempts: response.attempts)
    }
}
