import Foundation
import Logging
import XPasteBank
import XPasteCrawler
import XPasteImage

/// The crawl stage: asks a source for candidate images of each category, fetches and checks them
/// (`Crawler`), and records the good ones as `crawled` sources with their provenance (URL,
/// licence, author), in batches, each batch one bank transaction.
///
/// Resumable: the URLs of crawled sources already in the bank for the job's categories are
/// skipped without a request, and they count towards each category's `count`; the bank itself
/// deduplicates by SHA-256, so bytes already stored (from any source) are counted as duplicates.
/// Every failure is counted under its reason (`CrawlError.reason`).
public struct CrawlStage: Sendable {
    /// What to crawl.
    public struct Options: Sendable {
        /// The job's categories: id, name, synonyms.
        public var categories: [(id: Int64, name: String, synonyms: [String])]
        /// Where candidates come from.
        public var source: any ImageSource
        /// Images wanted per category (sources already stored count).
        public var count: Int
        /// Candidates asked of the source per category, as a multiple of what is still wanted
        /// (failures and duplicates use some up).
        public var oversample: Double
        /// Images per bank transaction.
        public var batchSize: Int
        /// Candidates in flight at once.
        public var window: Int
        /// Near-duplicate distance in dHash bits within a category (nil: off).
        public var nearDuplicateDistance: Int?
        /// The job recorded on the sources.
        public var jobId: String?

        /// Options.
        public init(
            categories: [(id: Int64, name: String, synonyms: [String])], source: any ImageSource, count: Int, oversample: Double = 2,
            batchSize: Int = 32, window: Int = 128, nearDuplicateDistance: Int? = nil, jobId: String? = nil
        ) {
            self.categories = categories
            self.source = source
            self.count = count
            self.oversample = oversample
            self.batchSize = batchSize
            self.window = window
            self.nearDuplicateDistance = nearDuplicateDistance
            self.jobId = jobId
        }
    }

    /// What a crawl did.
    public struct Summary: Sendable, Hashable, Codable {
        /// Candidates the sources gave.
        public var candidates = 0
        /// Candidates skipped because their URL is already stored.
        public var skipped = 0
        /// Candidates fetched and checked.
        public var attempted = 0
        /// New sources recorded.
        public var stored = 0
        /// Images whose bytes the bank or this crawl already had.
        public var duplicates = 0
        /// Failures by reason (the error histogram).
        public var failures: [String: Int] = [:]

        /// Failures in all.
        public var failed: Int { failures.values.reduce(0, +) }
    }

    /// The bank written to.
    public let bank: any InstanceBank
    /// Fetches and checks candidates.
    public let crawler: Crawler
    /// Where the stage logs.
    public let logger: Logger

    /// A stage.
    public init(bank: any InstanceBank, crawler: Crawler, logger: Logger) {
        self.bank = bank
        self.crawler = crawler
        self.logger = logger
    }

    /// Crawls every category, reporting after every batch.
    public func run(
        _ options: Options, progress: StageProgress.Handler = { _ in }, shouldContinue: StageProgress.Continuation = { true }
    ) async throws(StageError) -> Summary {
        guard options.count > 0, options.batchSize > 0, options.window > 0 else {
            throw .invalidArgument("count, batch size and window must be positive")
        }
        var summary = Summary()
        let ids = options.categories.map(\.id)
        let (storedURLs, storedPerCategory) = try await storedSources(ids)

        // Candidates per category, already-stored URLs skipped.
        var queue: [(category: Int64, candidate: ImageCandidate)] = []
        for (id, name, synonyms) in options.categories {
            let want = options.count - storedPerCategory[id, default: 0]
            guard want > 0 else { continue }
            let limit = Int((Double(want) * options.oversample).rounded(.up))
            do throws(CrawlError) {
                let found = try await options.source.candidates(category: name, synonyms: synonyms, limit: limit)
                summary.candidates += found.count
                for c in found {
                    if storedURLs.contains(c.url) { summary.skipped += 1 } else { queue.append((id, c)) }
                }
            } catch {
                summary.failures[error.reason, default: 0] += 1
                logger.warning("image source failed", metadata: ["category": "\(name)", "error": "\(error)"])
            }
        }

        var stored = storedPerCategory
        var seen = Set<SHA256Digest>()
        var near = options.nearDuplicateDistance.map { NearDuplicateIndex(maxDistance: $0) }
        var pending: [NewSource] = []
        let total = queue.count
        var done = 0

        func flush() async throws(StageError) {
            guard !pending.isEmpty else { return }
            let batch = pending, bank = bank
            pending = []
            let insertions = try await bankWrite(bank) { writer in try batch.map { try writer.addSource($0) } }
            for (source, insertion) in zip(batch, insertions) {
                if insertion.inserted {
                    summary.stored += 1
                } else {
                    summary.duplicates += 1
                    if let c = source.categoryId { stored[c, default: 1] -= 1 }
                }
            }
            report()
        }

        // The last flush reports and so does the end of the run: a report equal to the one before
        // it says nothing new (and printed a line twice), so only changes are reported.
        var lastReport: StageProgress?
        func report() {
            let now = StageProgress(
                stage: "crawl", done: done, total: total,
                detail: "\(summary.stored) stored, \(summary.duplicates) duplicates, \(summary.failed) failed, \(summary.skipped) already stored",
                failed: summary.failed, errorCounts: summary.failures)
            guard now != lastReport else { return }
            lastReport = now
            progress(now)
        }

        let crawler = crawler
        var next = 0
        var inFlight: [Int64: Int] = [:]
        var bankError: StageError?
        await withTaskGroup(of: Attempt.self) { group in
            func launch() {
                while next < queue.count, inFlight.values.reduce(0, +) < options.window {
                    let (category, candidate) = queue[next]
                    next += 1
                    // Enough stored (or on the way) for this category: leave the rest.
                    if stored[category, default: 0] + inFlight[category, default: 0] >= options.count { done += 1; continue }
                    inFlight[category, default: 0] += 1
                    group.addTask { await Attempt(category: category, crawler: crawler, candidate: candidate) }
                }
            }
            launch()
            while let attempt = await group.next() {
                let category = attempt.category, result = attempt.result
                inFlight[category, default: 1] -= 1
                done += 1
                summary.attempted += 1
                switch result {
                case .failure(let e):
                    summary.failures[e.reason, default: 0] += 1
                    logger.debug("candidate refused", metadata: ["error": "\(e)"])
                case .success(let f):
                    let source = NewSource(
                        kind: .crawled, bytes: Data(f.image.bytes), width: f.image.width, height: f.image.height,
                        provenance: SourceProvenance(url: f.candidate.url, licence: f.candidate.licence, author: f.candidate.author),
                        categoryId: category, jobId: options.jobId, mediaType: f.image.format.mimeType)
                    if !seen.insert(source.sha256).inserted {
                        summary.duplicates += 1
                    } else if let d = near?.insert(f.image.perceptualHash, category: "\(category)") {
                        summary.failures[CrawlError.nearDuplicate("").reason, default: 0] += 1
                        logger.debug("near-duplicate", metadata: ["url": "\(f.candidate.url)", "bits": "\(d)"])
                    } else if stored[category, default: 0] < options.count {
                        stored[category, default: 0] += 1
                        pending.append(source)
                    }
                }
                if pending.count >= options.batchSize {
                    do throws(StageError) { try await flush() } catch {
                        group.cancelAll()
                        bankError = error
                        return
                    }
                }
                if shouldContinue() { launch() } else { next = queue.count }
            }
        }
        if let bankError { throw bankError }
        try await flush()
        if !shouldContinue() { throw .stopped }
        report()
        return summary
    }

    /// URLs of crawled sources already in the bank for these categories, and counts per category.
    private func storedSources(_ ids: [Int64]) async throws(StageError) -> (Set<String>, [Int64: Int]) {
        var urls = Set<String>(), counts: [Int64: Int] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            var after: Int64 = 0
            while true {
                let page = try await banked { () async throws(BankError) in
                    try await bank.sources(status: nil, kinds: [.crawled], categoryIds: chunk, afterId: after, limit: 1000)
                }
                for s in page {
                    if let u = s.provenance.url { urls.insert(u) }
                    if let c = s.categoryId { counts[c, default: 0] += 1 }
                }
                guard let last = page.last, page.count == 1000 else { break }
                after = last.id
            }
        }
        return (urls, counts)
    }
}

/// One candidate's fetch, as a child task returns it. A named type rather than a tuple returned
/// from a typed-throws `do`/`catch` inside the task closure: that form came back with a corrupted
/// category id from optimised builds (seen with Swift 6.3.1, release only).
private struct Attempt: Sendable {
    let category: Int64
    let result: Result<Crawler.Fetched, CrawlError>

    init(category: Int64, crawler: Crawler, candidate: ImageCandidate) async {
        self.category = category
        do {
            result = .success(try await crawler.crawl(candidate))
        } catch {
            result = .failure(error)
        }
    }
}
