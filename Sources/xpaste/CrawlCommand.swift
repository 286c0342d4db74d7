import ArgumentParser
import Foundation
import XPasteBank
import XPasteCrawler
import XPastePipeline
import XPasteStages

/// `xpaste crawl`: gather web images of each category into the bank as crawled sources.
struct CrawlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawl",
        abstract: "Fetch images of each category from Openverse, Wikimedia Commons, a URL list or a folder into the bank.",
        discussion: """
            Candidates come from a search API (by category name and synonyms), a URL list (txt, csv, tsv, jsonl with \
            url and optional category/caption/licence/author columns) or a folder. Each is fetched politely (robots.txt, \
            X-Robots-Tag noai/noimageai/noindex/noimageindex, a User-Agent with a contact, per-host caps and rate), \
            safely (loopback, private, link-local, CGNAT, multicast and reserved addresses are refused on every \
            connection unless --allow-address opens them; only http and https), and checked (type sniffed from the bytes, \
            decoded under the decode limits, minimum side, aspect ratio, SHA-256 dedup against the bank). Good images \
            are stored as pending `crawled` sources with URL, licence and author; a re-run skips what is stored. \
            Progress goes to stderr, the summary (with every failure reason) to stdout.
            """)

    @OptionGroup var location: BankLocationOptions

    @Option(name: .customLong("category"), parsing: .upToNextOption, help: "Category names (created in the bank when missing).")
    var categories: [String] = []

    @Option(help: "openverse, wikimedia, urls or folder.")
    var source = CrawlParameters().source

    @Option(help: "The URL list for --source urls.")
    var urls: String?

    @Option(help: "The folder for --source folder.")
    var folder: String?

    @Option(help: "Search API root (default: the public Openverse / Commons service).")
    var baseUrl: String?

    @Option(help: "Images wanted per category (already stored ones count).")
    var count = CrawlParameters().count

    @Option(help: "Scale images down to this shorter side before storing.")
    var resize: Int?

    @Option(name: .customLong("allow-address"), help: "A CIDR range the address guard opens (repeatable), e.g. 127.0.0.1/32.")
    var allowAddresses: [String] = []

    @Option(help: "Transfers in flight at once.")
    var concurrency = CrawlParameters().concurrency

    @Option(help: "Transfers in flight per host.")
    var perHost = CrawlParameters().perHost

    @Option(help: "Requests per second per host (0: no limit).")
    var rate = CrawlParameters().rate

    @Option(help: "Whole-transfer timeout in seconds.")
    var timeout = CrawlParameters().timeout

    @Option(help: "Retries on 429, 5xx, timeouts and resets.")
    var retries = CrawlParameters().retries

    @Option(help: "Smallest shorter side kept.")
    var minSide = CrawlParameters().minSide

    @Option(help: "Near-duplicate check within a category: largest dHash distance in bits.")
    var nearDuplicateBits: Int?

    @Option(help: "User-Agent header (default: xpaste's, with a contact).")
    var userAgent: String?

    @Flag(help: "Ignore robots.txt (only for sites you own).")
    var ignoreRobots = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    var parameters: CrawlParameters {
        var p = CrawlParameters()
        p.source = source
        p.urls = urls
        p.folder = folder
        p.baseUrl = baseUrl
        p.count = count
        p.resize = resize
        p.concurrency = concurrency
        p.perHost = perHost
        p.rate = rate
        p.timeout = timeout
        p.retries = retries
        p.minSide = minSide
        p.nearDuplicateBits = nearDuplicateBits
        p.userAgent = userAgent
        p.respectRobots = !ignoreRobots
        return p
    }

    func validate() throws {
        guard !categories.isEmpty else { throw ValidationError("name at least one --category") }
        if let problem = parameters.problem() { throw ValidationError("--" + problem.replacingOccurrences(of: "_", with: "-")) }
        for a in allowAddresses { _ = try ranges([a]) }
    }

    private func ranges(_ texts: [String]) throws -> [AddressRange] {
        try texts.map { t in
            do throws(CrawlError) { return try AddressRange(cidr: t) } catch { throw ValidationError("--allow-address: \(error.description)") }
        }
    }

    func run() async throws {
        let bank = try location.open(create: true)
        let p = parameters
        let allowed = try ranges(allowAddresses)
        let start = ContinuousClock.now
        let summary = try await StageCLI.run { () async throws -> CrawlStage.Summary in
            let cats = try await bank.write { w in try categories.map { try w.userCategory(named: $0) } }
            let fetcher: HTTPFetcher
            let src: any ImageSource
            do throws(CrawlError) {
                fetcher = try HTTPFetcher(configuration: p.fetcherConfiguration(allowedAddresses: allowed))
                src = try p.imageSource(
                    fetcher: fetcher, urlsFile: urls.map { URL(fileURLWithPath: $0) }, folderURL: folder.map { URL(fileURLWithPath: $0) })
            } catch {
                throw StageError.invalidArgument("\(error.code): \(error.description)")
            }
            defer { fetcher.close() }
            let crawler = Crawler(fetcher: fetcher, validation: p.validationOptions(limits: .default), respectRobots: p.respectRobots)
            let stage = CrawlStage(bank: bank, crawler: crawler, logger: location.logger)
            defer { StageCLI.endProgress() }
            return try await stage.run(
                CrawlStage.Options(
                    categories: cats.map { ($0.id, $0.name, $0.synonyms) }, source: src, count: p.count, batchSize: p.batchSize,
                    window: p.concurrency * 2, nearDuplicateDistance: p.nearDuplicateBits),
                progress: { progress in
                    let seconds = max(0.001, Double((ContinuousClock.now - start).components.attoseconds) / 1e18
                        + Double((ContinuousClock.now - start).components.seconds))
                    StageCLI.progress(StageProgress(
                        stage: progress.stage, done: progress.done, total: progress.total,
                        detail: progress.detail + String(format: " · %.1f images/s", Double(progress.done) / seconds),
                        failed: progress.failed, errorCounts: progress.errorCounts))
                })
        }
        if json {
            print(try BankCLI.json(summary))
            return
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("candidates: \(summary.candidates)  fetched: \(summary.attempted)  stored: \(summary.stored)  duplicates: \(summary.duplicates)  "
            + "already stored: \(summary.skipped)  failed: \(summary.failed)  (\(String(format: "%.1f", Double(summary.attempted) / max(seconds, 0.001))) images/s)")
        for (reason, n) in summary.failures.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }) {
            print("  \(reason): \(n)")
        }
    }
}
