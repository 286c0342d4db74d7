import ArgumentParser
import Foundation
import XPasteInference
import XPasteStages

/// `xpaste extract`: cut the objects out of the bank's pending sources.
struct ExtractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Cut objects out of the bank's pending sources with X-Paste's segmenter ensemble.",
        discussion: """
            Each pending source (crawled, generated or uploaded) is segmented by every segmenter; each soft mask is \
            binarised (> --threshold), the image cut by it onto white is scored by CLIP against "a photo of {name}", \
            and the best-scoring segmenter wins. Its mask is cleaned up (largest component, holes filled, soft alpha \
            inside, tight crop) and stored as a pending instance with a thumbnail, the segmenter's name and its score; \
            the source is marked extracted in the same transaction. A source that cannot be read or decoded is \
            marked failed with the error, and the run goes on. Segmenters are model folders in the models folder \
            (rembg's u2net, u2netp, silueta, isnet-general-use, birefnet-*; `xpaste models pull` installs them) or \
            `classical`, which needs no model. Choosing among several segmenters needs a CLIP model. Progress goes \
            to stderr, the summary to stdout.
            """)

    @OptionGroup var location: BankLocationOptions

    @Option(name: .customLong("category"), help: "Only sources of this category, by id or name (repeatable; default: all).")
    var categories: [String] = []

    // Defaults and checks come from `ExtractParameters`, the type pipeline files and job requests use.
    @Option(help: "Comma-separated segmenters: model folders in the models folder, or `classical`.")
    var segmenters = ExtractParameters().segmenters.joined(separator: ",")

    @OptionGroup var inference: StageInferenceOptions

    @Option(help: "Mask values above this are the object (X-Paste: 128).")
    var threshold = ExtractParameters().threshold

    @Option(help: "Sources per batch (and per bank transaction).")
    var batch = ExtractParameters().batchSize

    @Option(help: "Job id recorded on the new instances (default: the source's job).")
    var job: String?

    @Flag(help: "Print the summary as JSON.")
    var json = false

    var segmenterNames: [String] {
        segmenters.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The flags as the stage's parameter type.
    var parameters: ExtractParameters {
        var p = ExtractParameters()
        p.segmenters = segmenterNames
        p.clip = inference.clip
        p.threshold = threshold
        p.batchSize = batch
        return p
    }

    func validate() throws {
        if let problem = parameters.problem() {
            throw ValidationError("--" + problem.replacingOccurrences(of: "batch_size", with: "batch"))
        }
    }

    func run() async throws {
        let logger = location.logger
        let bank = try location.open(create: false)
        let summary = try await StageCLI.run { () async throws -> ExtractSummary in
            let categoryIds = try StageCLI.categoryIds(categories, bank: bank)
            let names = segmenterNames
            // With one segmenter there is nothing to choose, so CLIP runs only when asked for.
            let clipName = parameters.effectiveCLIP
            var environment: InferenceEnvironment?
            let makeEnvironment = { () throws(InferenceError) -> InferenceEnvironment in
                if let environment { return environment }
                let made = try inference.environment()
                environment = made
                return made
            }
            let loader = SegmenterLoader(directory: inference.directory, options: inference.sessionOptions)
            if let clipName {
                // Fail on a missing CLIP model before loading any segmenter.
                _ = try inference.directory.installedModel(named: clipName, family: .clip)
            }
            let segmenters = try loader.load(names, environment: makeEnvironment, logger: logger)
            let scorer = try clipName.map { name throws(InferenceError) in
                try inference.scorer(name, environment: makeEnvironment(), maxBatch: 32, logger: logger)
            }
            let extractor = try InstanceExtractor(segmenters: segmenters, scorer: scorer, threshold: UInt8(threshold))
            let stage = ExtractStage(bank: bank, extractor: extractor, executor: InferenceExecutor(), logger: logger)
            defer { StageCLI.endProgress() }
            return try await stage.run(
                ExtractStage.Options(categoryIds: categoryIds, batchSize: batch, jobId: job), progress: StageCLI.progress)
        }
        if json {
            print(try BankCLI.json(summary))
            return
        }
        print("sources: \(summary.sources)  extracted: \(summary.extracted)  failed: \(summary.failures.count)")
        print("instances: \(summary.instances) new, \(summary.duplicates) already in the bank, \(summary.empty) sources without an object")
        for (name, wins) in summary.wins.sorted(by: { $0.key < $1.key }) { print("  \(name): \(wins) won") }
        for failure in summary.failures { print("  source \(failure.sourceId) failed: \(failure.error)") }
    }
}
