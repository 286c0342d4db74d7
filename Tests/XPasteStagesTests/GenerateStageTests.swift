import Foundation
import Testing
import XPasteBank
import XPasteImage
import XPasteInference
import XPasteStages
import XPasteTestSupport

/// The generate stage on the tiny Stable Diffusion: what lands in the bank, resuming, cancelling,
/// and the extract and filter stages running on what it drew.
@Suite("Generate into the bank", .serialized)
struct GenerateStageTests {
    static let tinySD = SharedData.repositoryRoot.appendingPathComponent("Tests/XPasteInferenceTests/Resources/diffusion/tiny-sd").path

    static func pipeline() throws -> StableDiffusionPipeline {
        StableDiffusionPipeline(
            model: try StableDiffusionModel(folder: tinySD, environment: StageFixture.environment(), logger: StageFixture.logger),
            logger: StageFixture.logger)
    }

    static var parameters: GenerateParameters {
        var p = GenerateParameters()
        p.model = "tiny-sd"
        p.count = 3
        p.steps = 4
        p.width = 64
        p.height = 64
        p.batchSize = 2
        p.seed = 99
        p.negativePrompt = "blurry"
        return p
    }

    @Test func generatedSourcesCarryTheirProvenanceAndFeedExtractAndFilter() async throws {
        let fixture = try StageFixture()
        let bank = fixture.bank
        let cat = try await bank.userCategory(named: "cat"), light = try await bank.userCategory(named: "traffic_light")
        let pipeline = try Self.pipeline()
        let executor = InferenceExecutor(maxConcurrentRuns: 1)
        let stage = GenerateStage(bank: bank, pipeline: pipeline, executor: executor, logger: StageFixture.logger)
        let reports = ProgressLog()
        let options = GenerateStage.Options(categories: [(cat.id, cat.name), (light.id, light.name)], parameters: Self.parameters, modelId: "tiny-sd", jobId: "job-1")
        let summary = try await stage.run(options, progress: reports.add)
        #expect(summary.generated == 6 && summary.duplicates == 0 && summary.alreadyStored == 0)
        #expect(summary.timings.steps == 3 * 4 && summary.timings.images == 6)
        #expect(reports.all.last?.done == 6 && reports.all.last?.total == 6)

        var sources: [BankSource] = []
        for id in [cat.id, light.id] {
            sources += try bank.sources(status: nil, kinds: [.generated], categoryIds: [id], afterId: 0, limit: 100)
        }
        #expect(sources.count == 6)
        for source in sources {
            let name = source.categoryId == cat.id ? "cat" : "traffic light"
            #expect(source.kind == .generated && source.status == .pending && source.jobId == "job-1")
            #expect(source.width == 64 && source.height == 64 && source.mediaType == "image/png")
            let p = source.provenance
            #expect(p.prompt == "a photo of a single \(name)" && p.negativePrompt == "blurry")
            #expect(p.modelId == "tiny-sd" && p.scheduler == "dpmpp-2m" && p.steps == 4 && p.guidance == 7.5)
        }
        // Each image is what the pipeline draws from its recorded seed, byte for byte.
        let first = try #require(sources.first)
        let seed = try #require(first.provenance.seed)
        #expect(seed == GenerateStage.seed(base: 99, category: "cat", index: 0))
        let redrawn = try pipeline.generate(GenerationRequest(
            prompts: ["a photo of a single cat"], seeds: [seed], negativePrompt: "blurry", steps: 4, width: 64, height: 64)).images[0]
        let stored = try ImageCodec.decode([UInt8](try #require(try bank.sourceImage(id: first.id))))
        #expect(stored.pixels == redrawn.image.pixels)
        #expect(Set(sources.compactMap(\.provenance.seed)).count == 6)

        // Extract (classical segmentation needs no model) and filter run on the generated sources.
        let environment = try StageFixture.environment()
        let segmenters = try SegmenterLoader(directory: fixture.models).load(["classical"], environment: { environment })
        let extract = ExtractStage(bank: bank, extractor: try InstanceExtractor(segmenters: segmenters, scorer: nil), executor: executor, logger: StageFixture.logger)
        let extracted = try await extract.run(ExtractStage.Options(categoryIds: [cat.id, light.id], batchSize: 4))
        #expect(extracted.sources == 6 && extracted.extracted + extracted.failures.count == 6)
        #expect(try bank.sources(status: .pending, kinds: [.generated], categoryIds: [cat.id, light.id], afterId: 0, limit: 100).isEmpty)
        let scorer = try CLIPScorer(named: "clip-tiny", in: fixture.models, environment: environment, maxBatch: 4)
        let filter = FilterStage(bank: bank, scorer: scorer, executor: executor, logger: StageFixture.logger)
        let filtered = try await filter.run(FilterStage.Options(rule: CLIPFilterRule(minScore: 100, tolerance: 1, minAreaRatio: 0, maxAreaRatio: 1)))
        #expect(filtered.scored == extracted.instances)
        if extracted.instances > 0 {
            let decided = try [cat.id, light.id].flatMap { try fixture.instances(category: $0) }
            #expect(decided.allSatisfy { $0.status != .pending && $0.clipScore != nil })
        }
    }

    @Test func aRerunDrawsOnlyWhatIsMissingWithTheSameSeeds() async throws {
        let fixture = try StageFixture()
        let bank = fixture.bank
        let cat = try await bank.userCategory(named: "cat")
        let stage = GenerateStage(bank: bank, pipeline: try Self.pipeline(), executor: InferenceExecutor(), logger: StageFixture.logger)
        var p = Self.parameters
        p.count = 1
        _ = try await stage.run(GenerateStage.Options(categories: [(cat.id, cat.name)], parameters: p, modelId: "tiny-sd"))
        p.count = 3
        let more = try await stage.run(GenerateStage.Options(categories: [(cat.id, cat.name)], parameters: p, modelId: "tiny-sd"))
        #expect(more.alreadyStored == 1 && more.generated == 2)
        let seeds = try bank.sources(status: nil, kinds: [.generated], categoryIds: [cat.id], afterId: 0, limit: 10).compactMap(\.provenance.seed)
        #expect(seeds == (0..<3).map { GenerateStage.seed(base: 99, category: "cat", index: $0) })
        let idle = try await stage.run(GenerateStage.Options(categories: [(cat.id, cat.name)], parameters: p, modelId: "tiny-sd"))
        #expect(idle.generated == 0 && idle.alreadyStored == 3 && idle.timings.steps == 0)
    }

    @Test func stoppingDropsTheUnfinishedBatchAndKeepsTheFinishedOnes() async throws {
        let fixture = try StageFixture()
        let bank = fixture.bank
        let cat = try await bank.userCategory(named: "cat")
        let stage = GenerateStage(bank: bank, pipeline: try Self.pipeline(), executor: InferenceExecutor(), logger: StageFixture.logger)
        var p = Self.parameters
        p.count = 6
        p.batchSize = 2
        let calls = Counter()
        // Yes for the first batch's steps and its boundary, then no mid-way through the second.
        await #expect(throws: StageError.stopped) {
            _ = try await stage.run(GenerateStage.Options(categories: [(cat.id, cat.name)], parameters: p, modelId: "tiny-sd"),
                                    shouldContinue: { calls.next() < 6 })
        }
        #expect(try bank.sources(status: nil, kinds: [.generated], categoryIds: [cat.id], afterId: 0, limit: 10).count == 2)
    }

    @Test func badParametersAreRefusedByKey() async throws {
        var p = Self.parameters
        p.width = 100
        #expect(p.problem() == "width: must be a multiple of 8 in 64…2048, got 100")
        p = Self.parameters
        p.scheduler = "lms"
        #expect(p.problem()?.hasPrefix("scheduler: unknown \"lms\"") == true)
        p = Self.parameters
        p.promptTemplate = "a photo"
        #expect(p.problem() == "prompt_template: must contain {name}")
        p = Self.parameters
        p.model = "../elsewhere"
        #expect(p.problem()?.hasPrefix("model:") == true)
        #expect(GenerateParameters().prompt(for: "traffic_light") == "a photo of a single traffic light")
    }
}

/// A thread-safe call counter for `shouldContinue` closures.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { defer { value += 1 }; return value } }
}
