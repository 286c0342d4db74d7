import Foundation
import Logging
import XPasteBank
import XPasteImage
import XPasteInference

/// The generate stage: draws `count` images of each category with Stable Diffusion on the device
/// queue and records each batch as `generated` sources, with the prompt, negative prompt, seed,
/// model, scheduler, steps and guidance of every image, in one bank transaction per batch.
///
/// Resumable: generated sources already in the bank for a category count towards its `count`, and
/// image k of a category always has the same seed (`seed(base:category:index:)`), so a killed run
/// picks up where it stopped and draws what the uninterrupted run would have. Cancelling stops
/// within one denoising step; the unfinished batch is dropped, nothing half-written.
public struct GenerateStage: Sendable {
    /// What to generate.
    public struct Options: Sendable {
        /// The categories: id and name.
        public var categories: [(id: Int64, name: String)]
        /// Sampling settings.
        public var parameters: GenerateParameters
        /// The model's name as recorded in provenance.
        public var modelId: String
        /// The job recorded on the sources.
        public var jobId: String?
        /// Also write every image there as `<category>-<k>-<seed>.png` (the CLI's `--output`).
        public var outputFolder: URL?

        /// Options.
        public init(
            categories: [(id: Int64, name: String)], parameters: GenerateParameters, modelId: String, jobId: String? = nil,
            outputFolder: URL? = nil
        ) {
            self.categories = categories
            self.parameters = parameters
            self.modelId = modelId
            self.jobId = jobId
            self.outputFolder = outputFolder
        }
    }

    /// What a run did.
    public struct Summary: Sendable, Hashable, Codable {
        /// New sources recorded.
        public var generated = 0
        /// Images whose bytes the bank already held.
        public var duplicates = 0
        /// Images that were already stored before this run (skipped).
        public var alreadyStored = 0
        /// Where the time went.
        public var timings = GenerationTimings()
    }

    /// The bank written to.
    public let bank: any InstanceBank
    /// The pipeline.
    public let pipeline: StableDiffusionPipeline
    /// The device queue every model call goes through.
    public let executor: InferenceExecutor
    /// Where the stage logs.
    public let logger: Logger

    /// A stage.
    public init(bank: any InstanceBank, pipeline: StableDiffusionPipeline, executor: InferenceExecutor, logger: Logger) {
        self.bank = bank
        self.pipeline = pipeline
        self.executor = executor
        self.logger = logger
    }

    /// The seed of image `index` of `category`: SplitMix64 of the base seed, an FNV-1a hash of the
    /// category name and the index, so categories and images never share a seed by accident.
    public static func seed(base: UInt64, category: String, index: Int) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in category.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        var z = base &+ hash &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Generates every category's missing images, reporting after every step and batch.
    public func run(
        _ options: Options, progress: @escaping StageProgress.Handler = { _ in }, shouldContinue: @escaping StageProgress.Continuation = { true }
    ) async throws(StageError) -> Summary {
        let p = options.parameters
        if let problem = p.problem() { throw .invalidArgument(problem) }
        guard let scheduler = p.schedulerKind else { throw .invalidArgument("scheduler: unknown \"\(p.scheduler)\"") }
        var summary = Summary()
        let stored = try await storedCounts(options.categories.map(\.id))
        var work: [(id: Int64, name: String, index: Int)] = []
        for (id, name) in options.categories {
            let have = stored[id, default: 0]
            summary.alreadyStored += min(have, p.count)
            for k in have..<max(have, p.count) { work.append((id, name, k)) }
        }
        let total = work.count
        var done = 0
        for start in stride(from: 0, to: work.count, by: p.batchSize) {
            guard shouldContinue() else { throw .stopped }
            let batch = Array(work[start..<min(start + p.batchSize, work.count)])
            let request = GenerationRequest(
                prompts: batch.map { p.prompt(for: $0.name) }, seeds: batch.map { Self.seed(base: p.seed, category: $0.name, index: $0.index) },
                negativePrompt: p.negativePrompt, steps: p.steps, guidance: p.guidance, scheduler: scheduler, width: p.width, height: p.height)
            let pipeline = pipeline, doneSoFar = done, generated = summary.generated
            let result: (images: [GeneratedImage], timings: GenerationTimings)
            do {
                result = try await executor.perform { () throws(InferenceError) in
                    try pipeline.generate(request) { step, steps in
                        // About ten step reports per batch: enough to watch a slow GPU batch move.
                        if step == steps || step % max(1, steps / 10) == 0 {
                            progress(StageProgress(
                                stage: "generate", done: doneSoFar, total: total,
                                detail: "\(generated) generated · batch of \(batch.count), step \(step)/\(steps)"))
                        }
                        return shouldContinue()
                    }
                }
            } catch .cancelled {
                throw .stopped
            } catch {
                throw .inference(error)
            }
            let sources = try await BlockingWork.run { () throws(StageError) -> [NewSource] in
                try zip(batch, result.images).map { (item, drawn) throws(StageError) -> NewSource in
                    let png: [UInt8]
                    do throws(ImageError) { png = try ImageCodec.encodePNG(drawn.image) } catch {
                        throw StageError.invalidArgument("encoding a generated image: \(error)")
                    }
                    if let folder = options.outputFolder {
                        let name = "\(item.name.replacingOccurrences(of: "/", with: "_"))-\(item.index)-\(drawn.seed).png"
                        do { try Data(png).write(to: folder.appendingPathComponent(name), options: .atomic) } catch {
                            throw StageError.invalidArgument("cannot write \(folder.path)/\(name): \(error.localizedDescription)")
                        }
                    }
                    return NewSource(
                        kind: .generated, bytes: Data(png), width: drawn.image.width, height: drawn.image.height,
                        provenance: SourceProvenance(
                            prompt: drawn.prompt, negativePrompt: p.negativePrompt, seed: drawn.seed, modelId: options.modelId,
                            scheduler: scheduler.rawValue, steps: p.steps, guidance: p.guidance),
                        categoryId: item.id, jobId: options.jobId, mediaType: "image/png")
                }
            }
            let bank = bank
            let insertions = try await bankWrite(bank) { writer in try sources.map { try writer.addSource($0) } }
            for insertion in insertions {
                if insertion.inserted { summary.generated += 1 } else { summary.duplicates += 1 }
            }
            summary.timings.add(result.timings)
            done += batch.count
            progress(StageProgress(
                stage: "generate", done: done, total: total,
                detail: "\(summary.generated) generated, \(summary.duplicates) duplicates · "
                    + String(format: "%.2f steps/s, %.3f images/s", summary.timings.stepsPerSecond, summary.timings.imagesPerSecond)))
            logger.debug("generated batch", metadata: ["images": "\(batch.count)", "seconds": "\(result.timings.total)"])
        }
        return summary
    }

    /// Generated sources already in the bank, per category.
    private func storedCounts(_ ids: [Int64]) async throws(StageError) -> [Int64: Int] {
        var counts: [Int64: Int] = [:]
        for id in ids {
            var after: Int64 = 0
            while true {
                let page = try await banked { () async throws(BankError) in
                    try await bank.sources(status: nil, kinds: [.generated], categoryIds: [id], afterId: after, limit: 1000)
                }
                counts[id, default: 0] += page.count
                guard let last = page.last, page.count == 1000 else { break }
                after = last.id
            }
        }
        return counts
    }
}
