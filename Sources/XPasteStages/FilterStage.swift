import Foundation
import Logging
import XPasteBank
import XPasteImage
import XPasteInference

/// The filter stage over the bank: X-Paste's CLIP keep rule per category. Every pending instance is
/// scored by CLIP against `a photo of {name}` (`Options.scoring`: X-Paste's whole source image with
/// the mask on white by default, or the cutout alone); the category's bar is
/// `min(min_clip, best − tolerance)` over every scored cutout and the area ratio must be within
/// bounds (`CLIPFilterRule`). The score, the decision (`decided_by = filter`) and its numbers (in
/// the reason, which also names the scoring that produced the score) are stored, one transaction
/// per category.
///
/// X-Paste scoring needs the source image: the mask is the cutout's alpha > 128 placed at its box
/// (the bank keeps the cleaned cutout, so a raw mask's smaller components, which the extractor's own
/// score included, are not in it). An instance whose source bytes are not kept (or whose box does
/// not fit its source) is scored on its cutout alone, still padded to a square and never cropped,
/// and its reason says so.
///
/// Earlier filter decisions in the category count too (those with a stored area ratio): their
/// stored scores take part in the best score, and a verdict the new best changes is updated, so
/// filtering in several runs ends where filtering everything at once would. Decisions made by a
/// person are never touched and do not move the bar.
public struct FilterStage: Sendable {
    /// What to filter and how.
    public struct Options: Sendable {
        /// Only these categories (nil: every category with pending instances).
        public var categoryIds: [Int64]?
        /// The keep rule (X-Paste's values by default).
        public var rule: CLIPFilterRule
        /// Cutouts per CLIP call.
        public var batchSize: Int
        /// Limits on decoding cutouts.
        public var decodeLimits: DecodeLimits
        /// How cutouts are scored (X-Paste's by default).
        public var scoring: CLIPScoring

        /// Options; by default X-Paste's rule and scoring, 32 cutouts at a time.
        public init(
            categoryIds: [Int64]? = nil, rule: CLIPFilterRule = CLIPFilterRule(), batchSize: Int = 32,
            decodeLimits: DecodeLimits = .default, scoring: CLIPScoring = .xpaste
        ) {
            self.categoryIds = categoryIds
            self.rule = rule
            self.batchSize = batchSize
            self.decodeLimits = decodeLimits
            self.scoring = scoring
        }
    }

    /// The bank read from and written to.
    public let bank: any InstanceBank
    /// The CLIP scorer.
    public let scorer: CLIPScorer
    /// Where decoding and scoring run (off the cooperative pool).
    public let executor: InferenceExecutor
    /// Where the stage logs.
    public let logger: Logger

    /// A stage.
    public init(bank: any InstanceBank, scorer: CLIPScorer, executor: InferenceExecutor, logger: Logger) {
        self.bank = bank
        self.scorer = scorer
        self.executor = executor
        self.logger = logger
    }

    /// Filters every category with pending instances (of the chosen ones), reporting progress
    /// after each batch of cutouts.
    /// `shouldContinue` is asked before every category; when it says no, the stage throws
    /// `StageError.stopped` with the categories before it committed.
    public func run(
        _ options: Options = Options(), progress: StageProgress.Handler = { _ in },
        shouldContinue: StageProgress.Continuation = { true }
    ) async throws(StageError) -> FilterSummary {
        let rule = options.rule
        guard options.batchSize > 0 else { throw .invalidArgument("batch size must be positive") }
        guard rule.minAreaRatio <= rule.maxAreaRatio, rule.tolerance >= 0, rule.minScore.isFinite else {
            throw .invalidArgument("the rule needs min area ≤ max area, a tolerance ≥ 0 and a finite min score")
        }
        let wanted = options.categoryIds.map(Set.init)
        let categories = try await banked { () async throws(BankError) in try await bank.categoryCounts() }
            .filter { $0.pending > 0 && (wanted?.contains($0.categoryId) ?? true) }
            .sorted { $0.categoryId < $1.categoryId }
        let total = categories.reduce(0) { $0 + $1.pending }
        var summary = FilterSummary()
        var done = 0
        for category in categories {
            guard shouldContinue() else { throw .stopped }
            let outcome = try await filter(category, options: options) { scored in
                progress(StageProgress(
                    stage: "filter", done: done + scored, total: total,
                    detail: "\(summary.accepted) accepted, \(summary.rejected) rejected so far; scoring \(category.name)"))
            }
            done += outcome.scored
            summary.categories.append(outcome)
            logger.info("filtered category", metadata: [
                "category": "\(category.name)", "scored": "\(outcome.scored)", "accepted": "\(outcome.accepted)",
                "bar": "\(outcome.bar)", "best": "\(outcome.best)",
            ])
        }
        progress(StageProgress(
            stage: "filter", done: done, total: total, detail: "\(summary.accepted) accepted, \(summary.rejected) rejected"))
        return summary
    }

    /// The numbers behind a decision, as stored in the instance's reason, ending with the scoring
    /// that produced the score (`; scoring xpaste (source image + mask)`).
    public static func reason(_ decision: CLIPFilterRule.Decision, rule: CLIPFilterRule, scoring: String) -> String {
        let score = String(format: "%.2f", decision.score), bar = String(format: "%.2f", decision.bar)
        let best = String(format: "%.2f", decision.best), area = String(format: "%.4f", decision.areaRatio)
        let bounds = "[\(rule.minAreaRatio), \(rule.maxAreaRatio)]"
        let comparison = decision.score >= decision.bar ? "≥" : "<"
        return "\(decision.reason.rawValue): score \(score) \(comparison) bar \(bar) (best \(best), min_clip \(rule.minScore), "
            + "tolerance \(rule.tolerance)); area \(area) \(decision.reason == .area ? "outside" : "in") \(bounds); scoring \(scoring)"
    }

    /// The scoring named in a stored reason (what `reason` appended), or "unrecorded".
    static func scoring(inReason reason: String?) -> String {
        guard let reason, let range = reason.range(of: "; scoring ", options: .backwards) else { return "unrecorded" }
        return String(reason[range.upperBound...])
    }

    /// An instance taking part in a category's decision.
    private struct Judged {
        var instance: BankInstance
        var score: Float
        var areaRatio: Double
        var isNew: Bool
        var unreadable: String?
        /// The scoring that produced `score`, as the reason records it.
        var scoring = "unrecorded"
    }

    private func filter(
        _ category: CategoryCounts, options: Options, scoredSoFar: (Int) -> Void
    ) async throws(StageError) -> FilterSummary.Category {
        let pending = try await instances(of: category.categoryId, statuses: [.pending])
        // Earlier filter decisions with their stored numbers take part in the bar.
        let earlier = try await instances(of: category.categoryId, statuses: [.accepted, .rejected]).filter {
            $0.decidedBy == .filter && $0.clipScore != nil && $0.areaRatio != nil
        }
        let prompt = CLIPScorer.prompt(for: category.name)
        var judged: [Judged] = []
        var start = 0
        while start < pending.count {
            let chunk = Array(pending[start..<min(start + options.batchSize, pending.count)])
            judged += try await score(chunk, prompt: prompt, options: options)
            start += chunk.count
            scoredSoFar(start)
        }
        judged += earlier.map {
            Judged(instance: $0, score: Float($0.clipScore!), areaRatio: $0.areaRatio!, isNew: false, scoring: Self.scoring(inReason: $0.reason))
        }

        let readable = judged.filter { $0.unreadable == nil }
        let decisions = options.rule.decide(readable.map { CLIPFilterRule.Candidate(score: $0.score, areaRatio: $0.areaRatio) })
        let outcome = FilterSummary.Category(
            id: category.categoryId, name: category.name, scored: pending.count, accepted: 0, lowScore: 0, area: 0,
            unreadable: 0, redecided: 0, bar: decisions.first?.bar ?? options.rule.minScore, best: decisions.first?.best ?? 0)
        let initial = outcome, judgedAll = judged
        return try await bankWrite(bank) { writer in
            var outcome = initial
            for (item, decision) in zip(readable, decisions) {
                let status: InstanceStatus = decision.keep ? .accepted : .rejected
                if item.isNew {
                    try writer.setClipScore(Double(item.score), forInstance: item.instance.id)
                    switch decision.reason {
                    case .kept: outcome.accepted += 1
                    case .lowScore: outcome.lowScore += 1
                    case .area: outcome.area += 1
                    }
                } else if item.instance.status == status {
                    continue
                } else {
                    outcome.redecided += 1
                }
                _ = try writer.setStatus(
                    status, reason: Self.reason(decision, rule: options.rule, scoring: item.scoring), decidedBy: .filter,
                    for: .ids([item.instance.id]))
            }
            for item in judgedAll where item.unreadable != nil {
                outcome.unreadable += 1
                _ = try writer.setStatus(
                    .rejected, reason: "unreadable cutout: \(item.unreadable!)", decidedBy: .filter, for: .ids([item.instance.id]))
            }
            return outcome
        }
    }

    /// Every instance of a category with one of `statuses`.
    private func instances(of categoryId: Int64, statuses: [InstanceStatus]) async throws(StageError) -> [BankInstance] {
        var out: [BankInstance] = []
        var cursor: String?
        repeat {
            let page = try await banked { () async throws(BankError) in
                try await bank.browse(InstanceQuery(
                    filter: InstanceFilter(categoryIds: [categoryId], statuses: statuses), order: .newest,
                    limit: InstanceQuery.maximumLimit, cursor: cursor))
            }
            out += page.instances
            cursor = page.nextCursor
        } while cursor != nil
        return out
    }

    /// Scores a batch of pending instances: cutouts (and, for X-Paste scoring, their sources) read
    /// from the bank, decoded and scored on the executor. An instance without an area ratio gets one
    /// from its cutout's alpha (> 128) over its source's size.
    private func score(_ batch: [BankInstance], prompt: String, options: Options) async throws(StageError) -> [Judged] {
        let cutouts = try await banked { () async throws(BankError) in try await bank.cutouts(of: batch.map(\.id)) }
        var sources: [Int64: BankSource] = [:]
        var sourceBytes: [Int64: Data] = [:]
        var sourceProblems: [Int64: String] = [:]
        for instance in batch where sources[instance.sourceId] == nil && sourceProblems[instance.sourceId] == nil {
            guard let source = try await banked({ () async throws(BankError) in try await bank.source(id: instance.sourceId) }) else {
                sourceProblems[instance.sourceId] = "source not in the bank"
                continue
            }
            sources[instance.sourceId] = source
            guard options.scoring == .xpaste else { continue }
            do {
                if let bytes = try await bank.sourceImage(id: source.id) { sourceBytes[source.id] = bytes } else {
                    sourceProblems[source.id] = "source image not kept"
                }
            } catch {
                guard case .missingSourceFile = error else { throw .bank(error) }
                sourceProblems[source.id] = "source image missing"
            }
        }
        let scorer = scorer, known = sources, bytes = sourceBytes, problems = sourceProblems
        do throws(InferenceError) {
            return try await executor.perform { () throws(InferenceError) -> [Judged] in
                var images: [Image] = []
                var masks: [BinaryMask] = []
                var judged: [Judged] = []
                var decoded: [Int64: Image] = [:]
                for (instance, cutout) in zip(batch, cutouts) {
                    var item = Judged(instance: instance, score: 0, areaRatio: instance.areaRatio ?? 0, isNew: true)
                    do throws(ImageError) {
                        let image = try ImageCodec.decode([UInt8](cutout.png), limits: options.decodeLimits)
                        let objectMask = image.alphaChannel()?.binarized(threshold: 129)
                        if instance.areaRatio == nil {
                            let pixels = known[instance.sourceId].map { $0.width * $0.height } ?? image.pixelCount
                            item.areaRatio = Double(objectMask?.area ?? image.pixelCount) / Double(max(pixels, 1))
                        }
                        switch options.scoring {
                        case .cutout:
                            item.scoring = "cutout"
                            images.append(image)
                        case .xpaste:
                            let mask = objectMask ?? BinaryMask(width: image.width, height: image.height, filled: true)
                            var whole: (Image, BinaryMask)?
                            var why = problems[instance.sourceId] ?? "the cutout has no box in its source"
                            if let box = instance.box, let data = bytes[instance.sourceId] {
                                if decoded[instance.sourceId] == nil {
                                    decoded[instance.sourceId] = try? ImageCodec.decode([UInt8](data), limits: options.decodeLimits)
                                }
                                if let source = decoded[instance.sourceId] {
                                    whole = Self.placed(mask, at: box, in: source)
                                    why = "the cutout's box does not fit its source image"
                                } else {
                                    why = "source image unreadable"
                                }
                            }
                            if let (source, full) = whole {
                                item.scoring = "xpaste (source image + mask)"
                                images.append(source)
                                masks.append(full)
                            } else {
                                item.scoring = "xpaste (cutout only: \(why))"
                                images.append(image)
                                masks.append(mask)
                            }
                        }
                    } catch {
                        item.unreadable = "\(error.code): \(error.description)"
                    }
                    judged.append(item)
                }
                let scores: [Float]
                if images.isEmpty {
                    scores = []
                } else if options.scoring == .xpaste {
                    scores = try scorer.xpasteScores(images: images, masks: masks, prompts: [prompt]).map { $0[0] }
                } else {
                    scores = try scorer.scores(images: images, prompts: [prompt]).map { $0[0] }
                }
                var next = scores.makeIterator()
                for k in judged.indices where judged[k].unreadable == nil { judged[k].score = next.next()! }
                return judged
            }
        } catch {
            throw .inference(error)
        }
    }

    /// The source image with `mask` (the cutout's size) placed at `box`, or nil when the box does not
    /// lie inside the image or is not the mask's size.
    static func placed(_ mask: BinaryMask, at box: PixelBox, in image: Image) -> (Image, BinaryMask)? {
        guard box.width == mask.width, box.height == mask.height, box.x >= 0, box.y >= 0,
              box.x + box.width <= image.width, box.y + box.height <= image.height else { return nil }
        var full = BinaryMask(width: image.width, height: image.height)
        for y in 0..<box.height {
            for x in 0..<box.width where mask[x, y] { full[box.x + x, box.y + y] = true }
        }
        return (image, full)
    }
}
