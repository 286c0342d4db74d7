import Foundation
import Logging
import XPasteBank
import XPasteImage
import XPasteInference

/// The extract stage over the bank: every source pending extraction is segmented by the
/// extractor (X-Paste's ensemble), and its cutout is recorded as a pending instance with its
/// thumbnail and provenance (winning segmenter, its CLIP score, box, area ratio) in the same
/// transaction that marks the source extracted. The score is X-Paste's (`CLIPScoring.xpaste`) and
/// the area ratio the raw mask's (`mask > 128`, every component), as X-Paste's filter reads them.
///
/// A source that cannot be extracted (its bytes were not kept or are missing, they do not
/// decode, it has no category) is marked failed with the error and the stage goes on; nothing
/// else is touched. Model failures end the stage and leave the batch's sources pending.
/// Background sources are never extracted.
public struct ExtractStage: Sendable {
    /// What to extract and how.
    public struct Options: Sendable {
        /// Only sources gathered for these categories (nil: every category).
        public var categoryIds: [Int64]?
        /// Sources per extractor call (and per bank transaction).
        public var batchSize: Int
        /// Longest side of the thumbnails.
        public var thumbnailSide: Int
        /// Limits on decoding source images.
        public var decodeLimits: DecodeLimits
        /// The job recorded on the instances (nil: the source's job).
        public var jobId: String?

        /// Options; by default every category, 8 sources at a time.
        public init(
            categoryIds: [Int64]? = nil, batchSize: Int = 8, thumbnailSide: Int = ThumbnailMaker.defaultMaxSide,
            decodeLimits: DecodeLimits = .default, jobId: String? = nil
        ) {
            self.categoryIds = categoryIds
            self.batchSize = batchSize
            self.thumbnailSide = thumbnailSide
            self.decodeLimits = decodeLimits
            self.jobId = jobId
        }
    }

    /// The bank read from and written to.
    public let bank: any InstanceBank
    /// The extractor.
    public let extractor: InstanceExtractor
    /// Where decoding, segmentation, scoring and encoding run (off the cooperative pool).
    public let executor: InferenceExecutor
    /// Where the stage logs.
    public let logger: Logger

    /// A stage.
    public init(bank: any InstanceBank, extractor: InstanceExtractor, executor: InferenceExecutor, logger: Logger) {
        self.bank = bank
        self.extractor = extractor
        self.executor = executor
        self.logger = logger
    }

    /// The source kinds that hold objects to cut out.
    static let kinds: [SourceKind] = [.crawled, .generated, .uploaded]

    /// Extracts every pending source (of the chosen categories), reporting progress after each
    /// batch.
    /// `shouldContinue` is asked before every batch; when it says no, the stage throws
    /// `StageError.stopped` with everything before that batch committed.
    public func run(
        _ options: Options = Options(), progress: StageProgress.Handler = { _ in },
        shouldContinue: StageProgress.Continuation = { true }
    ) async throws(StageError) -> ExtractSummary {
        guard options.batchSize > 0, options.thumbnailSide > 0 else {
            throw .invalidArgument("batch size and thumbnail side must be positive")
        }
        let total = try await pendingCount(options)
        var summary = ExtractSummary()
        var after: Int64 = 0
        var names: [Int64: String] = [:]
        while true {
            guard shouldContinue() else { throw .stopped }
            let page = try await banked { () async throws(BankError) in
                try await bank.sources(
                    status: .pending, kinds: Self.kinds, categoryIds: options.categoryIds, afterId: after,
                    limit: options.batchSize)
            }
            guard let last = page.last else { break }
            after = last.id
            let work = try await prepare(page, names: &names)
            let outcomes = try await extractOnExecutor(work, options: options)
            try await record(outcomes, options: options, summary: &summary)
            summary.sources += page.count
            progress(StageProgress(
                stage: "extract", done: summary.sources, total: max(total, summary.sources),
                detail: "\(summary.instances) instances, \(summary.empty) without object, \(summary.failures.count) failed",
                failed: summary.failures.count,
                errorCounts: summary.failures.reduce(into: [:]) { $0[StageProgress.code(ofFailure: $1.error), default: 0] += 1 }))
        }
        logger.notice("extract finished", metadata: [
            "sources": "\(summary.sources)", "instances": "\(summary.instances)", "failed": "\(summary.failures.count)",
        ])
        return summary
    }

    /// One source ready for the executor: its bytes and category, or why it cannot be extracted.
    struct Work: Sendable {
        var source: BankSource
        var bytes: Data?
        var categoryName: String?
        var problem: String?
    }

    /// What became of one source.
    enum Outcome: Sendable {
        case cutout(source: BankSource, instance: NewInstance, segmenter: String)
        case empty(BankSource)
        case failed(BankSource, String)
    }

    private func pendingCount(_ options: Options) async throws(StageError) -> Int {
        var count = 0, after: Int64 = 0
        while true {
            let page = try await banked { () async throws(BankError) in
                try await bank.sources(status: .pending, kinds: Self.kinds, categoryIds: options.categoryIds, afterId: after, limit: 1000)
            }
            guard let last = page.last else { return count }
            count += page.count
            after = last.id
        }
    }

    /// Reads each source's bytes and category name; a bank error on one source is that source's
    /// problem, except that the bank itself failing ends the stage.
    private func prepare(_ page: [BankSource], names: inout [Int64: String]) async throws(StageError) -> [Work] {
        var work: [Work] = []
        for source in page {
            var item = Work(source: source)
            guard let categoryId = source.categoryId else {
                item.problem = "stage.no_category: the source was gathered for no category, so there is nothing to cut out"
                work.append(item)
                continue
            }
            if names[categoryId] == nil {
                names[categoryId] = try await banked { () async throws(BankError) in try await bank.category(id: categoryId) }?.name
            }
            item.categoryName = names[categoryId]
            do {
                item.bytes = try await bank.sourceImage(id: source.id)
                if item.bytes == nil {
                    item.problem = "stage.no_image: the bank kept only this source's hash, not its bytes"
                }
            } catch {
                guard case .missingSourceFile = error else { throw .bank(error) }
                item.problem = "\(error.code): \(error.description)"
            }
            work.append(item)
        }
        return work
    }

    /// Decodes, extracts, encodes the cutouts and thumbnails, all on the executor.
    private func extractOnExecutor(_ work: [Work], options: Options) async throws(StageError) -> [Outcome] {
        let extractor = extractor
        do throws(InferenceError) {
            return try await executor.perform { () throws(InferenceError) -> [Outcome] in
                var outcomes = [Outcome?](repeating: nil, count: work.count)
                var requests: [InstanceExtractor.Request] = []
                var requestIndex: [Int] = []
                for (k, item) in work.enumerated() {
                    if let problem = item.problem {
                        outcomes[k] = .failed(item.source, problem)
                        continue
                    }
                    do throws(ImageError) {
                        let image = try ImageCodec.decode([UInt8](item.bytes ?? Data()), limits: options.decodeLimits)
                        requests.append(.init(image: image, categoryName: item.categoryName ?? ""))
                        requestIndex.append(k)
                    } catch {
                        outcomes[k] = .failed(item.source, "\(error.code): \(error.description)")
                    }
                }
                let results = try extractor.extract(requests)
                for (result, k) in zip(results, requestIndex) {
                    outcomes[k] = Self.outcome(result, source: work[k].source, options: options)
                }
                return outcomes.map { $0! }
            }
        } catch {
            throw .inference(error)
        }
    }

    /// The instance to record for one extraction result.
    static func outcome(_ result: ExtractionResult, source: BankSource, options: Options) -> Outcome {
        guard let object = result.object, let segmenter = result.segmenter, let categoryId = source.categoryId else {
            return .empty(source)
        }
        do {
            let cutout = try PNGBlob(Data(ImageCodec.encodePNG(object.image)))
            let thumbnail = try ThumbnailMaker.thumbnail(of: cutout, maxSide: options.thumbnailSide)
            let instance = NewInstance(
                sourceId: source.id, categoryId: categoryId, segmenter: segmenter, cutout: cutout, thumbnail: thumbnail,
                box: object.box, areaRatio: result.areaRatio ?? object.areaRatio, clipScore: result.score.map(Double.init), status: .pending,
                jobId: options.jobId)
            return .cutout(source: source, instance: instance, segmenter: segmenter)
        } catch let error as BankError {
            return .failed(source, "\(error.code): \(error.description)")
        } catch let error as ImageError {
            return .failed(source, "\(error.code): \(error.description)")
        } catch {
            return .failed(source, "\(error)")
        }
    }

    /// Writes a batch in one transaction: instances, then every source's new status.
    private func record(_ outcomes: [Outcome], options: Options, summary: inout ExtractSummary) async throws(StageError) {
        let batch = try await bankWrite(bank) { writer in
            var batch = ExtractSummary()
            for outcome in outcomes {
                switch outcome {
                case .cutout(let source, let instance, let segmenter):
                    let insertion = try writer.addInstance(instance)
                    if insertion.inserted { batch.instances += 1 } else { batch.duplicates += 1 }
                    batch.wins[segmenter, default: 0] += 1
                    try writer.updateSource(id: source.id, status: .extracted, error: nil, clipScore: source.clipScore)
                    batch.extracted += 1
                case .empty(let source):
                    try writer.updateSource(id: source.id, status: .extracted, error: nil, clipScore: source.clipScore)
                    batch.extracted += 1
                    batch.empty += 1
                case .failed(let source, let error):
                    try writer.updateSource(id: source.id, status: .failed, error: error, clipScore: source.clipScore)
                    batch.failures.append(.init(sourceId: source.id, error: error))
                }
            }
            return batch
        }
        for failure in batch.failures {
            logger.warning("source failed", metadata: ["source": "\(failure.sourceId)", "error": "\(failure.error)"])
        }
        summary.extracted += batch.extracted
        summary.instances += batch.instances
        summary.duplicates += batch.duplicates
        summary.empty += batch.empty
        summary.failures += batch.failures
        summary.wins.merge(batch.wins, uniquingKeysWith: +)
    }
}
