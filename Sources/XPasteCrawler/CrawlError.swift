import XPasteImage

/// Why a candidate image was not stored, or why a crawl could not run. Every case has a stable
/// `code`; `reason` is the key of the error histogram (the code, with the HTTP status for
/// `.http`).
public enum CrawlError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL does not parse or has no host.
    case invalidURL(String)
    /// The scheme is not http or https.
    case schemeRefused(String)
    /// The address guard refused every address the host resolved to (or a redirect's).
    case addressRefused(String)
    /// robots.txt disallows the path for our user agent.
    case robotsDisallowed(String)
    /// The response carried an `X-Robots-Tag` that forbids AI use or indexing.
    case xRobotsTag(String)
    /// The final response had a non-2xx status (after retries).
    case http(status: Int)
    /// The connect or total timeout passed.
    case timeout(String)
    /// The connection failed, was reset or ended early.
    case connection(String)
    /// More redirects than allowed.
    case tooManyRedirects(Int)
    /// The body passed the size cap (the transfer was aborted at the cap).
    case bodyTooLarge(Int)
    /// The server declared a content type that is never an image (text, JSON).
    case wrongContentType(String)
    /// The bytes are not an image we decode, or decoding failed (bomb, truncated, corrupt).
    case image(ImageError)
    /// Shorter side under the minimum.
    case tooSmall(String)
    /// Aspect ratio outside the allowed range.
    case aspectRatio(String)
    /// Same bytes as an image already seen in this crawl.
    case duplicate(String)
    /// Perceptually the same as an image already kept in the category.
    case nearDuplicate(String)
    /// A search API answered with something we cannot read.
    case source(String)
    /// An option is out of range.
    case invalidArgument(String)
    /// The fetcher was closed or the task cancelled.
    case cancelled
    /// Any other libcurl failure.
    case curl(code: Int, message: String)

    /// Stable machine-readable code.
    public var code: String {
        switch self {
        case .invalidURL: "crawl.invalid_url"
        case .schemeRefused: "crawl.scheme_refused"
        case .addressRefused: "crawl.address_refused"
        case .robotsDisallowed: "crawl.robots_disallowed"
        case .xRobotsTag: "crawl.x_robots_tag"
        case .http: "crawl.http_status"
        case .timeout: "crawl.timeout"
        case .connection: "crawl.connection"
        case .tooManyRedirects: "crawl.too_many_redirects"
        case .bodyTooLarge: "crawl.body_too_large"
        case .wrongContentType: "crawl.wrong_content_type"
        case .image(let e): e.code
        case .tooSmall: "crawl.too_small"
        case .aspectRatio: "crawl.aspect_ratio"
        case .duplicate: "crawl.duplicate"
        case .nearDuplicate: "crawl.near_duplicate"
        case .source: "crawl.source"
        case .invalidArgument: "crawl.invalid_argument"
        case .cancelled: "crawl.cancelled"
        case .curl: "crawl.curl"
        }
    }

    /// The error-histogram key: the code, with the status for HTTP errors (`crawl.http_404`).
    public var reason: String {
        if case .http(let status) = self { return "crawl.http_\(status)" }
        return code
    }

    /// Whether a retry may succeed (429, 5xx, timeouts, resets).
    public var isRetryable: Bool {
        switch self {
        case .timeout, .connection: true
        case .http(let s): s == 429 || (500...599).contains(s)
        default: false
        }
    }

    /// Human-readable explanation.
    public var description: String {
        switch self {
        case .invalidURL(let m): "invalid URL: \(m)"
        case .schemeRefused(let m): "only http and https are fetched: \(m)"
        case .addressRefused(let m): "address refused by the guard: \(m)"
        case .robotsDisallowed(let m): "robots.txt disallows \(m)"
        case .xRobotsTag(let m): "X-Robots-Tag forbids use: \(m)"
        case .http(let s): "HTTP status \(s)"
        case .timeout(let m): "timed out: \(m)"
        case .connection(let m): "connection failed: \(m)"
        case .tooManyRedirects(let n): "more than \(n) redirects"
        case .bodyTooLarge(let n): "body larger than the \(n)-byte cap"
        case .wrongContentType(let m): "not an image content type: \(m)"
        case .image(let e): e.description
        case .tooSmall(let m): "image too small: \(m)"
        case .aspectRatio(let m): "aspect ratio out of range: \(m)"
        case .duplicate(let m): "duplicate bytes: \(m)"
        case .nearDuplicate(let m): "near-duplicate: \(m)"
        case .source(let m): "image source failed: \(m)"
        case .invalidArgument(let m): "invalid crawl argument: \(m)"
        case .cancelled: "cancelled"
        case .curl(let c, let m): "libcurl error \(c): \(m)"
        }
    }
}
