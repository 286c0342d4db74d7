import Foundation
import Testing
import XPasteBank
import XPasteImage
import XPasteInference
import XPasteStages
import XPasteTestSupport

/// Extract → filter → bank on the tiny models, asserting what the bank really stores.
@Suite("Extract and filter over the bank", .serialized)
struct ExtractFilterTests {
    /// The segmenters and scorer the stages run, loaded from the fixture's models folder.
    static func models(_ fixture: StageFixture) throws -> (segmenters: [any Segmenter], scorer: CLIPScorer) {
        let environment = try StageFixture.environment()
        let segmenters = try SegmenterLoader(directory: fixture.models).load(["u2net", "classical"], environment: { environment })
        let scorer = try CLIPScorer(named: "clip-tiny", in: fixture.models, environment: environment, maxBatch: 4)
        return (segmenters, scorer)
    }

    /// What the post-processing must have made of `mask`: > 128, the largest component with holes
    /// filled, the soft mask inside it, cropped to its box.
    static func expectedAlpha(_ mask: Mask) throws -> (PixelBox, [UInt8]) {
        let object = mask.binarized(threshold: 129).largestComponentWithHolesFilled()
        let box = try #require(object.boundingBox)
        var alpha: [UInt8] = []
        for y in box.y..<box.maxY {
            for x in box.x..<box.maxX { alpha.append(object[x, y] ? mask[x, y] : 0) }
        }
        return (box, alpha)
    }

    @Test func extractThenFilterStoresWhatTheModelsCompute() async throws {
        let fixture = try StageFixture()
        let bank = fixture.bank
        let horse = try await bank.userCategory(named: "horse"), cat = try await bank.userCategory(named: "cat")
        let mug = try await bank.userCategory(named: "coffee_mug")
        let sHorse = try fixture.addSource("horse.png", categoryId: horse.id)
        let sCat = try fixture.addSource("chelsea.png", kind: .crawled, categoryId: cat.id)
        let sMug = try fixture.addSource("coffee.png", kind: .uploaded, categoryId: mug.id)
        let sLogo = try fixture.addSource("logo.png", categoryId: cat.id)
        // Broken sources: truncated bytes, hash only, a kept file gone, no category.
        let png = try Data(contentsOf: SharedData.image("horse.png"))
        let sTruncated = try await bank.addSource(NewSource(kind: .generated, bytes: png.prefix(4000), width: 400, height: 328, categoryId: horse.id)).id
        let sHashOnly = try await bank.addSource(NewSource(
            kind: .crawled, sha256: SHA256Digest(hashing: Array("elsewhere".utf8)), width: 10, height: 10, categoryId: cat.id)).id
        let sMissing = try fixture.addSource("astronaut.png", categoryId: cat.id)
        try fixture.removeKeptFile(of: sMissing)
        let sNoCategory = try fixture.addSource("brick.png", categoryId: nil)
        let sBackground = try fixture.addSource("rocket.jpg", kind: .background, categoryId: nil)

        let (segmenters, scorer) = try Self.models(fixture)
        let extractor = try InstanceExtractor(segmenters: segmenters, scorer: scorer)
        let executor = InferenceExecutor(maxConcurrentRuns: 1)
        let reports = ProgressLog()
        let extract = ExtractStage(bank: bank, extractor: extractor, executor: executor, logger: StageFixture.logger)
        let summary = try await extract.run(ExtractStage.Options(batchSize: 3, thumbnailSide: 64), progress: reports.add)

        #expect(summary.sources == 8 && summary.extracted == 4 && summary.instances == 4 && summary.duplicates == 0)
        #expect(Set(summary.failures.map(\.sourceId)) == [sTruncated, sHashOnly, sMissing, sNoCategory])
        #expect(reports.all.map(\.done) == [3, 6, 8] && reports.all.allSatisfy { $0.total == 8 && $0.stage == "extract" })
        #expect(summary.wins.values.reduce(0, +) == 4)

        // Sources: extracted, failed with the error's code, the background untouched.
        for id in [sHorse, sCat, sMug, sLogo] { #expect(try bank.source(id: id)?.status == .extracted) }
        let failed = try [sTruncated, sHashOnly, sMissing, sNoCategory].map { try #require(try bank.source(id: $0)) }
        #expect(failed.allSatisfy { $0.status == .failed })
        #expect(failed[0].error?.hasPrefix("image.truncated") == true)
        #expect(failed[1].error?.hasPrefix("stage.no_image") == true)
        #expect(failed[2].error?.hasPrefix("bank.missing_source_file") == true)
        #expect(failed[3].error?.hasPrefix("stage.no_category") == true)
        #expect(try bank.source(id: sBackground)?.status == .pending)

        // Instances: exactly what the extractor computes on the decoded source.
        for (sourceId, category) in [(sHorse, horse), (sCat, cat), (sMug, mug), (sLogo, cat)] {
            let image = try ImageCodec.decode(contentsOf: SharedData.image(
                [sHorse: "horse.png", sCat: "chelsea.png", sMug: "coffee.png", sLogo: "logo.png"][sourceId]!).path)
            let expected = try extractor.extract([.init(image: image, categoryName: category.name)])[0]
            let object = try #require(expected.object)
            let stored = try bank.browse(InstanceQuery(filter: InstanceFilter(sourceId: sourceId))).instances
            #expect(stored.count == 1)
            let instance = try #require(stored.first)
            #expect(instance.categoryId == category.id && instance.status == .pending && instance.decidedBy == nil)
            #expect(instance.segmenter == expected.segmenter)
            #expect(instance.clipScore == expected.score.map(Double.init))
            // The raw mask's share of the image (every component > 128), as X-Paste's filter reads it.
            #expect(instance.box == object.box && instance.areaRatio == expected.areaRatio)
            #expect(instance.width == object.box.width && instance.height == object.box.height)
            let cutout = try ImageCodec.decode([UInt8](try bank.cutout(of: instance.id).png))
            #expect(cutout.format == .rgba8 && cutout.packed().pixels == object.image.packed().pixels)
            let (box, alpha) = try Self.expectedAlpha(try #require(expected.mask))
            #expect(box == object.box && cutout.alphaChannel()?.values == alpha)
            let thumbnailSHA = try #require(instance.thumbnailSHA256)
            let thumbnail = try ImageCodec.decode([UInt8](try #require(try bank.blob(thumbnailSHA))))
            #expect(max(thumbnail.width, thumbnail.height) == min(64, max(object.box.width, object.box.height)))
        }

        // Filter with a bar above every tiny-model score, so each category's bar is best − 1.
        let rule = CLIPFilterRule(minScore: 100, tolerance: 1, minAreaRatio: 0.05, maxAreaRatio: 0.95)
        let filter = FilterStage(bank: bank, scorer: scorer, executor: executor, logger: StageFixture.logger)
        let filtered = try await filter.run(FilterStage.Options(rule: rule, batchSize: 1))
        #expect(filtered.scored == 4 && filtered.categories.map(\.id) == [horse.id, cat.id, mug.id])
        try Self.expectDecisions(fixture, scorer: scorer, rule: rule, categories: [horse, cat, mug])

        // A new source for `cat` later: only it is extracted, only its instance scored, and the
        // category ends where filtering everything at once would. The best counts every cutout, in
        // bounds or not (X-Paste), so the smaller minimum area changes only the area verdicts.
        let sLater = try fixture.addSource("motorcycle_left.png", categoryId: cat.id)
        let again = try await extract.run(ExtractStage.Options(batchSize: 3))
        #expect(again.sources == 1 && again.instances == 1)
        #expect(try bank.source(id: sLater)?.status == .extracted)
        let smallerArea = CLIPFilterRule(minScore: 100, tolerance: 1, minAreaRatio: 0.01, maxAreaRatio: 0.95)
        let refiltered = try await filter.run(FilterStage.Options(rule: smallerArea))
        #expect(refiltered.scored == 1 && refiltered.categories.map(\.id) == [cat.id])
        #expect(refiltered.categories.first.map { $0.redecided >= 0 } == true)
        try Self.expectDecisions(fixture, scorer: scorer, rule: rule, categories: [horse, mug])
        try Self.expectDecisions(fixture, scorer: scorer, rule: smallerArea, categories: [cat])
        let reasons = Set(try [horse, cat, mug].flatMap { try fixture.instances(category: $0.id) }.compactMap { $0.reason?.prefix { $0 != ":" } })
        // Which verdicts occur depends on the tiny model's scores; each is one of the rule's reasons
        // (checked against the rule itself above).
        #expect(reasons.contains("kept") && reasons.isSubset(of: ["kept", "low_score", "area"]))

        // Nothing pending: nothing happens.
        let idle = try await filter.run(FilterStage.Options(rule: rule))
        #expect(idle.categories.isEmpty)
        let idleExtract = try await extract.run()
        #expect(idleExtract.sources == 0)
    }

    /// Every instance of each category carries the score the scorer computes for its cutout on
    /// white and the rule's verdict on the whole category, decided by the filter, with the numbers.
    static func expectDecisions(_ fixture: StageFixture, scorer: CLIPScorer, rule: CLIPFilterRule, categories: [BankCategory]) throws {
        for category in categories {
            let instances = try fixture.instances(category: category.id)
            // X-Paste's scoring: the whole source image with the cutout's mask (alpha > 128) at its box.
            var sources: [Image] = [], masks: [BinaryMask] = []
            for instance in instances {
                let cutout = try ImageCodec.decode([UInt8](try fixture.bank.cutout(of: instance.id).png))
                let source = try ImageCodec.decode([UInt8](try #require(try fixture.bank.sourceImage(id: instance.sourceId))))
                let box = try #require(instance.box)
                var mask = BinaryMask(width: source.width, height: source.height)
                for y in 0..<box.height { for x in 0..<box.width where cutout.pixel(x: x, y: y)[3] > 128 { mask[box.x + x, box.y + y] = true } }
                sources.append(source)
                masks.append(mask)
            }
            let scores = try scorer.xpasteScores(images: sources, masks: masks, prompts: [CLIPScorer.prompt(for: category.name)]).map { $0[0] }
            let decisions = rule.decide(zip(scores, instances).map { .init(score: $0, areaRatio: $1.areaRatio!) })
            for (k, instance) in instances.enumerated() {
                let stored = try #require(instance.clipScore)
                #expect(abs(stored - Double(scores[k])) < 1e-4, "\(category.name) #\(k): stored \(stored), scorer \(scores[k])")
                #expect(instance.status == (decisions[k].keep ? .accepted : .rejected), "\(category.name) #\(k)")
                #expect(instance.decidedBy == .filter && instance.decidedAt != nil)
                let reason = try #require(instance.reason)
                print("\(category.name) #\(instance.id) \(instance.segmenter): \(instance.status.rawValue) — \(reason)")
                #expect(reason.hasPrefix(decisions[k].reason.rawValue + ":"), "\(reason)")
                #expect(reason.contains("bar \(String(format: "%.2f", decisions[k].bar))"), "\(reason)")
                #expect(reason.contains("area \(String(format: "%.4f", instance.areaRatio!))"), "\(reason)")
                #expect(reason.hasSuffix("; scoring xpaste (source image + mask)"), "\(reason)")
            }
        }
    }

    @Test func aModelFailureEndsTheStageAndLosesNothing() async throws {
        let fixture = try StageFixture()
        let horse = try await fixture.bank.userCategory(named: "horse")
        let ids = try ["horse.png", "logo.png"].map { try fixture.addSource($0, categoryId: horse.id) }
        let before = try fixture.bank.stats()
        let extractor = try InstanceExtractor(segmenters: [BrokenSegmenter()], scorer: nil)
        let stage = ExtractStage(bank: fixture.bank, extractor: extractor, executor: InferenceExecutor(), logger: StageFixture.logger)
        do {
            _ = try await stage.run()
            Issue.record("a failing model did not end the stage")
        } catch {
            #expect(error.code == "inference.runtime_failure")
        }
        for id in ids { #expect(try fixture.bank.source(id: id)?.status == .pending) }
        #expect(try fixture.bank.stats() == before)
    }

    @Test func missingModelsSayWhichPullInstallsThem() throws {
        let fixture = try StageFixture()
        let environment = try StageFixture.environment()
        do {
            _ = try SegmenterLoader(directory: fixture.models).load(["u2net", "isnet-general-use"], environment: { environment })
            Issue.record("a missing segmenter loaded")
        } catch {
            #expect(error.code == "inference.model_not_found")
            #expect(error.description.contains("`xpaste models pull isnet-general-use`"))
            #expect(!error.description.contains("pull u2net"))
        }
        do {
            _ = try CLIPScorer(named: "clip-vit-l-14", in: fixture.models, environment: environment)
            Issue.record("a missing CLIP model loaded")
        } catch {
            #expect(error.code == "inference.model_not_found")
            #expect(error.description.contains("`xpaste models pull clip-vit-l-14`"))
        }
        do {
            _ = try CLIPScorer(named: "u2net", in: fixture.models, environment: environment)
            Issue.record("a segmenter loaded as CLIP")
        } catch {
            #expect(error.code == "inference.invalid_resource")
        }
    }

    @Test func filterScoresCutoutsWithoutAreaAndRejectsUnreadableOnes() async throws {
        let fixture = try StageFixture()
        let bank = fixture.bank
        let cat = try await bank.userCategory(named: "cat")
        let source = try fixture.addSource("chelsea.png", categoryId: cat.id)  // 451×300
        // A 40×30 cutout, alpha 255 on its left 25 columns, 100 on the rest: 750 object pixels (> 128).
        var cutout = Image(width: 40, height: 30, format: .rgba8, filledWith: [200, 120, 40, 255])
        for y in 0..<30 { for x in 25..<40 { cutout.setPixel(x: x, y: y, [200, 120, 40, 100]) } }
        let png = try ImageCodec.encodePNG(cutout)
        let good = try await bank.addInstances([NewInstance(
            sourceId: source, categoryId: cat.id, segmenter: "import", cutout: try PNGBlob(Data(png)))])[0].id
        // A PNG whose header is fine but whose pixels are cut off.
        var broken = Image(width: 40, height: 30, format: .rgba8, filledWith: [1, 2, 3, 255])
        broken.setPixel(x: 0, y: 0, [9, 9, 9, 9])
        let brokenPNG = Array(try ImageCodec.encodePNG(broken).prefix(60))
        let bad = try await bank.addInstances([NewInstance(
            sourceId: source, categoryId: cat.id, segmenter: "import", cutout: try PNGBlob(Data(brokenPNG)))])[0].id

        let environment = try StageFixture.environment()
        let scorer = try CLIPScorer(named: "clip-tiny", in: fixture.models, environment: environment)
        let stage = FilterStage(bank: bank, scorer: scorer, executor: InferenceExecutor(), logger: StageFixture.logger)
        let rule = CLIPFilterRule(minScore: 0, tolerance: 1, minAreaRatio: 0.001, maxAreaRatio: 0.95)
        let summary = try await stage.run(FilterStage.Options(rule: rule))
        #expect(summary.scored == 2 && summary.accepted == 1 && summary.categories.first?.unreadable == 1)

        let kept = try #require(try bank.instance(id: good))
        #expect(kept.status == .accepted && kept.decidedBy == .filter)
        // No box in its source: X-Paste's scoring of the cutout alone (padded square, its mask on
        // white), and the reason says so.
        let objectMask = try #require(cutout.alphaChannel()).binarized(threshold: 129)
        let expectedScore = try scorer.xpasteScores(images: [cutout], masks: [objectMask], prompts: ["a photo of cat"])[0][0]
        #expect(abs(try #require(kept.clipScore) - Double(expectedScore)) < 1e-4)
        #expect(kept.reason?.hasSuffix("; scoring xpaste (cutout only: the cutout has no box in its source)") == true, "\(kept.reason ?? "")")
        // Area from the cutout's alpha over the source's 451×300 pixels.
        #expect(kept.reason?.contains("area \(String(format: "%.4f", 750.0 / Double(451 * 300)))") == true, "\(kept.reason ?? "")")
        let rejected = try #require(try bank.instance(id: bad))
        #expect(rejected.status == .rejected && rejected.decidedBy == .filter)
        #expect(rejected.reason?.hasPrefix("unreadable cutout: image.truncated") == true, "\(rejected.reason ?? "")")

        // A decision made by a person is never changed by the filter.
        _ = try await bank.setStatus(.rejected, reason: "looks wrong", decidedBy: .person, for: .ids([good]))
        let extra = try await bank.addInstances([NewInstance(
            sourceId: source, categoryId: cat.id, segmenter: "import",
            cutout: try PNGBlob(Data(try ImageCodec.encodePNG(try cutout.cropped(to: PixelBox(x: 0, y: 0, width: 30, height: 30))))))])[0].id
        _ = try await stage.run(FilterStage.Options(rule: rule, scoring: .cutout))
        // The cutout scoring, named as such: the cutout on white, resized and centre-cropped.
        let extraCutout = try ImageCodec.decode([UInt8](try bank.cutout(of: extra).png))
        let cutoutScore = try scorer.scores(images: [extraCutout], prompts: ["a photo of cat"])[0][0]
        #expect(abs(try #require(try bank.instance(id: extra)?.clipScore) - Double(cutoutScore)) < 1e-4)
        #expect(try bank.instance(id: extra)?.reason?.hasSuffix("; scoring cutout") == true)
        #expect(try bank.instance(id: good)?.decidedBy == .person)
        #expect(try bank.instance(id: good)?.status == .rejected)
        #expect(try bank.instance(id: extra)?.decidedBy == .filter)
    }

    @Test func stageOptionsAreChecked() async throws {
        let fixture = try StageFixture()
        let extractor = try InstanceExtractor(segmenters: [ClassicalSegmenter()], scorer: nil)
        let stage = ExtractStage(bank: fixture.bank, extractor: extractor, executor: InferenceExecutor(), logger: StageFixture.logger)
        await #expect(throws: StageError.invalidArgument("batch size and thumbnail side must be positive")) {
            try await stage.run(ExtractStage.Options(batchSize: 0))
        }
    }

    @Test func theBankPagesSourcesAndSetsScores() throws {
        let fixture = try StageFixture()
        let bank = fixture.bank
        let cat = try bank.userCategory(named: "cat"), dog = try bank.userCategory(named: "dog")
        var ids: [Int64] = []
        for k in 0..<7 {
            ids.append(try bank.addSource(NewSource(
                kind: k == 6 ? .background : .generated, sha256: SHA256Digest(hashing: Array("s\(k)".utf8)), width: 8, height: 8,
                categoryId: k % 2 == 0 ? cat.id : dog.id, status: k == 3 ? .failed : .pending)).id)
        }
        let pendingCats = try bank.sources(status: .pending, kinds: [.generated], categoryIds: [cat.id], afterId: 0, limit: 2)
        #expect(pendingCats.map(\.id) == [ids[0], ids[2]])
        let next = try bank.sources(status: .pending, kinds: [.generated], categoryIds: [cat.id], afterId: ids[2], limit: 2)
        #expect(next.map(\.id) == [ids[4]])
        #expect(try bank.sources(status: nil, kinds: nil, categoryIds: nil, afterId: 0, limit: 100).count == 7)
        #expect(try bank.sources(status: .failed, kinds: nil, categoryIds: nil, afterId: 0, limit: 100).map(\.id) == [ids[3]])
        #expect(try bank.sources(status: nil, kinds: [], categoryIds: nil, afterId: 0, limit: 100).isEmpty)
        #expect(throws: BankError.self) { try bank.sources(status: nil, kinds: nil, categoryIds: nil, afterId: 0, limit: 0) }

        let instance = try bank.addInstances([NewInstance(
            sourceId: ids[0], categoryId: cat.id, segmenter: "classical",
            cutout: try PNGBlob(Data(try ImageCodec.encodePNG(Image(width: 2, height: 2, format: .rgba8, filledWith: [1, 2, 3, 4])))))])[0].id
        try bank.write { try $0.setClipScore(23.5, forInstance: instance) }
        #expect(try bank.instance(id: instance)?.clipScore == 23.5)
        #expect(throws: BankError.unknownInstance(999)) { try bank.write { try $0.setClipScore(1, forInstance: 999) } }
        #expect(throws: BankError.self) { try bank.write { try $0.setClipScore(.nan, forInstance: instance) } }
    }
}

/// A segmenter whose model always fails, as a broken model file or a lost GPU would.
struct BrokenSegmenter: Segmenter {
    let name = "broken"
    func segment(_ images: [Image]) throws(InferenceError) -> [Mask] {
        throw .runtimeFailure(operation: "Run", ortCode: 6, message: "kernel exploded")
    }
}

/// Collects progress reports from any thread.
final class ProgressLog: @unchecked Sendable {
    // @unchecked: `reports` is only touched with `lock` held.
    private let lock = NSLock()
    private var reports: [StageProgress] = []

    var add: StageProgress.Handler {
        { report in
            self.lock.lock()
            self.reports.append(report)
            self.lock.unlock()
        }
    }

    var all: [StageProgress] {
        lock.lock()
        defer { lock.unlock() }
        return reports
    }
}
