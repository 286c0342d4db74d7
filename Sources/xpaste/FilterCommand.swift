import ArgumentParser
import Foundation
import XPasteInference
import XPasteStages

/// `xpaste filter`: X-Paste's CLIP keep rule over the bank's pending instances.
struct FilterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Accept or reject the bank's pending instances with X-Paste's CLIP rule, per category.",
        discussion: """
            Each pending cutout is put on white and scored by CLIP against "a photo of {name}" (score = 100 × \
            cosine). Per category the bar is min(--min-clip, best − --tolerance), where best is the category's best \
            score among cutouts whose area is in bounds (earlier filter decisions included); a cutout is kept when \
            its score reaches the bar and its area ratio is within [--min-area, --max-area]. The score, the decision \
            (decided by: filter) and its numbers are stored; earlier filter decisions the new best changes are \
            updated, decisions made by a person never. Progress goes to stderr, the summary to stdout.
            """)

    @OptionGroup var location: BankLocationOptions

    @Option(name: .customLong("category"), help: "Only this category, by id or name (repeatable; default: all with pending instances).")
    var categories: [String] = []

    @OptionGroup var inference: StageInferenceOptions

    @Option(help: "Score that is always enough (X-Paste: 21).")
    var minClip: Float = 21

    @Option(help: "How far below the category's best score a cutout may be and still be kept (X-Paste: 1).")
    var tolerance: Float = 1

    @Option(help: "Smallest mask area / image area kept.")
    var minArea = 0.05

    @Option(help: "Largest mask area / image area kept.")
    var maxArea = 0.95

    @Option(help: "Cutouts per CLIP batch.")
    var batch = 32

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func validate() throws {
        guard minClip.isFinite, tolerance >= 0 else { throw ValidationError("--min-clip must be finite and --tolerance ≥ 0") }
        guard minArea >= 0, minArea <= maxArea else { throw ValidationError("need 0 ≤ --min-area ≤ --max-area") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
    }

    func run() async throws {
        let logger = location.logger
        let bank = try location.open(create: false)
        let summary = try await StageCLI.run { () async throws -> FilterSummary in
            let categoryIds = try StageCLI.categoryIds(categories, bank: bank)
            let name = inference.clip ?? StageInferenceOptions.defaultCLIP
            _ = try inference.directory.installedModel(named: name, family: .clip)
            let scorer = try inference.scorer(name, environment: inference.environment(), maxBatch: batch, logger: logger)
            let stage = FilterStage(bank: bank, scorer: scorer, executor: InferenceExecutor(), logger: logger)
            let rule = CLIPFilterRule(minScore: minClip, tolerance: tolerance, minAreaRatio: minArea, maxAreaRatio: maxArea)
            defer { StageCLI.endProgress() }
            return try await stage.run(
                FilterStage.Options(categoryIds: categoryIds, rule: rule, batchSize: batch), progress: StageCLI.progress)
        }
        if json {
            print(try BankCLI.json(summary))
            return
        }
        print("scored: \(summary.scored)  accepted: \(summary.accepted)  rejected: \(summary.rejected)")
        for c in summary.categories {
            let bar = String(format: "%.2f", c.bar), best = String(format: "%.2f", c.best)
            print("  \(c.name): \(c.accepted) accepted, \(c.lowScore) low score, \(c.area) area, "
                + "\(c.unreadable) unreadable, \(c.redecided) earlier decisions changed (bar \(bar), best \(best))")
        }
    }
}
