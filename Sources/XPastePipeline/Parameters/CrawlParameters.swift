import Foundation
import XPasteCrawler
import XPasteImage

/// The crawl stage's parameters: where candidates come from, how many images per category, and
/// how politely and strictly they are fetched. `xpaste crawl`'s flags and the pipeline YAML/JSON
/// share this type. Address ranges the guard opens are the operator's (`--allow-address`), never a
/// job's.
public struct CrawlParameters: StageParameters {
    /// `openverse`, `wikimedia`, `urls` (a URL list file) or `folder`.
    public var source: String = "openverse"
    /// Images wanted per category (already stored ones count).
    public var count: Int = 100
    /// Search API root for openverse/wikimedia (nil: the public service).
    public var baseUrl: String? = nil
    /// The URL list (txt, csv, tsv, jsonl) for `urls`: a server-side path inside an allowed root.
    public var urls: String? = nil
    /// The folder for `folder`: a server-side path inside an allowed root.
    public var folder: String? = nil
    /// Transfers in flight at once.
    public var concurrency: Int = 64
    /// Transfers in flight per host.
    public var perHost: Int = 8
    /// Requests started per second per host (0: no limit).
    public var rate: Double = 0
    /// Connect timeout, seconds.
    public var connectTimeout: Double = 10
    /// Whole-transfer timeout, seconds.
    public var timeout: Double = 30
    /// Largest body fetched, MiB.
    public var maxBodyMb: Int = 32
    /// Redirects followed.
    public var maxRedirects: Int = 5
    /// Retries on 429, 5xx, timeouts and connection failures.
    public var retries: Int = 2
    /// Smallest shorter side kept.
    public var minSide: Int = 64
    /// Largest aspect ratio kept.
    public var maxAspectRatio: Double = 4
    /// Scale images down to this shorter side before storing (nil: store as fetched).
    public var resize: Int? = nil
    /// Near-duplicate distance in dHash bits within a category (nil: off).
    public var nearDuplicateBits: Int? = nil
    /// Honour robots.txt.
    public var respectRobots: Bool = true
    /// Honour X-Robots-Tag noai/noimageai/noindex/noimageindex.
    public var respectXRobotsTag: Bool = true
    /// User-Agent (nil: xpaste's, with a contact).
    public var userAgent: String? = nil
    /// Images per bank transaction.
    public var batchSize: Int = 32

    /// The defaults.
    public init() {}

    public static var optionalKeys: Set<String> { ["base_url", "urls", "folder", "resize", "near_duplicate_bits", "user_agent"] }

    public func problem() -> String? {
        guard ["openverse", "wikimedia", "urls", "folder"].contains(source) else { return "source: must be openverse, wikimedia, urls or folder" }
        if source == "urls", urls == nil { return "urls: the urls source needs a URL list file" }
        if source == "folder", folder == nil { return "folder: the folder source needs a folder" }
        if !(1...1_000_000).contains(count) { return "count: must be in 1…1000000" }
        if !(1...4096).contains(concurrency) { return "concurrency: must be in 1…4096" }
        if !(1...1024).contains(perHost) { return "per_host: must be in 1…1024" }
        if !(rate >= 0 && rate <= 10_000) { return "rate: must be in 0…10000" }
        if !(connectTimeout > 0 && connectTimeout <= 600) { return "connect_timeout: must be in (0, 600]" }
        if !(timeout > 0 && timeout <= 3600) { return "timeout: must be in (0, 3600]" }
        if !(1...1024).contains(maxBodyMb) { return "max_body_mb: must be in 1…1024" }
        if !(0...50).contains(maxRedirects) { return "max_redirects: must be in 0…50" }
        if !(0...20).contains(retries) { return "retries: must be in 0…20" }
        if !(1...100_000).contains(minSide) { return "min_side: must be in 1…100000" }
        if !(maxAspectRatio >= 1 && maxAspectRatio <= 1000) { return "max_aspect_ratio: must be in 1…1000" }
        if let resize, !(16...16384).contains(resize) { return "resize: must be in 16…16384" }
        if let n = nearDuplicateBits, !(0...32).contains(n) { return "near_duplicate_bits: must be in 0…32" }
        if let ua = userAgent, ua.isEmpty || ua.contains(where: \.isNewline) { return "user_agent: must be one non-empty line" }
        if !(1...1024).contains(batchSize) { return "batch_size: must be in 1…1024" }
        return nil
    }

    /// The fetcher configuration, with the operator's opened ranges.
    public func fetcherConfiguration(allowedAddresses: [AddressRange]) -> FetcherConfiguration {
        var c = FetcherConfiguration()
        c.maxConcurrent = concurrency
        c.maxPerHost = perHost
        c.perHostRate = rate
        c.connectTimeout = connectTimeout
        c.totalTimeout = timeout
        c.maxBodyBytes = maxBodyMb << 20
        c.maxRedirects = maxRedirects
        c.retries = retries
        if let userAgent { c.userAgent = userAgent }
        c.addressGuard = AddressGuard(allowed: allowedAddresses)
        return c
    }

    /// The validation options under `limits`.
    public func validationOptions(limits: DecodeLimits) -> ValidationOptions {
        var v = ValidationOptions()
        v.limits = limits
        v.minSide = minSide
        v.maxAspectRatio = maxAspectRatio
        v.resizeShortestSide = resize
        return v
    }

    /// The source; `urls`/`folder` are already-resolved paths.
    public func imageSource(fetcher: HTTPFetcher, urlsFile: URL?, folderURL: URL?) throws(CrawlError) -> any ImageSource {
        switch source {
        case "wikimedia": return baseUrl.map { WikimediaSource(fetcher: fetcher, baseURL: $0) } ?? WikimediaSource(fetcher: fetcher)
        case "urls":
            guard let urlsFile else { throw .invalidArgument("the urls source needs a URL list file") }
            return try URLListSource(file: urlsFile)
        case "folder":
            guard let folderURL else { throw .invalidArgument("the folder source needs a folder") }
            return FolderSource(folder: folderURL)
        default: return baseUrl.map { OpenverseSource(fetcher: fetcher, baseURL: $0) } ?? OpenverseSource(fetcher: fetcher)
        }
    }
}
