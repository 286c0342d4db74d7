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
            Each pending cutout is scored by CLIP against "a photo of {name}" (score = 100 × cosine). \
            --scoring xpaste (the default, X-Paste's reseg.py): the whole source image with the cutout's mask \
            (alpha > 128) on white, padded to a square with white (centred), resized to 224 with PyTorch's bicubic, \
            never cropped; an instance whose source image is not kept is scored on its cutout alone the same way. \
            --scoring cutout: the stored cutout on white, shorter side resized to 224 and centre-cropped (crops the \
            ends off elongated objects). Per category the bar is min(--min-clip, best − --tolerance), where best is \
            the category's best score over every scored cutout, out-of-area ones included (as X-Paste's \
            clean_pool.py; earlier filter decisions included); a cutout is kept when its score reaches the bar and \
            its area ratio (the raw mask > 128 over the image, as the extractor records it) is within \
            [--min-area, --max-area]. The score, the decision (decided by: filter) and its numbers, with the scoring \
            that produced the score, are stored in the reason; earlier filter decisions the new best changes are \
            updated, decisions made by a person never. Progress goes to stderr, the summary to stdout.
            """)

    @OptionGroup var location: BankLocationOptions

    @Option(name: .customLong("category"), help: "Only this category, by id or name (repeatable; default: all with pending instances).")
    var categories: [String] = []

    @OptionGroup var inference: StageInferenceOptions

    // Defaults and checks come from `FilterParameters`, the type pipeline files and job requests use.
    @Option(help: "Score that is always enough (X-Paste: 21).")
    var minClip = FilterParameters().minClip

    @Option(help: "How far below the category's best score a cutout may be and still be kept (X-Paste: 1).")
    var tolerance = FilterParameters().tolerance

    @Option(help: "Smallest mask area / image area kept.")
    var minArea = FilterParameters().minArea

    @Option(help: "Largest mask area / image area kept.")
    var maxArea = FilterParameters().maxArea

    @Option(help: "Cutouts per CLIP batch.")
    var batch = FilterParameters().batchSize

    @Option(help: "How cutouts are scored: xpaste (whole source image + mask on white, padded square, X-Paste's) or cutout (the cutout, centre-cropped).")
    var scoring = FilterParameters().scoring.rawValue

    @Flag(help: "Print the summary as JSON.")
    var json = false

    /// The flags as the stage's parameter type.
    var parameters: FilterParameters {
        var p = FilterParameters()
        p.clip = inference.clip ?? p.clip
        p.minClip = minClip
        p.tolerance = tolerance
        p.minArea = minArea
        p.maxArea = maxArea
        p.batchSize = batch
        p.scoring = CLIPScoring(rawValue: scoring) ?? p.scoring
        return p
    }

    func validate() throws {
        guard CLIPScoring(rawValue: scoring) != nil else {
            throw ValidationError("--scoring: must be one of \(CLIPScoring.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(scoring)\"")
        }
        if let problem = parameters.problem() {
            // The parameter type names its keys snake_case; the flags are their kebab-case forms.
            throw ValidationError("--" + problem.replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: "batch-size", with: "batch"))
        }
    }

    func run() async throws {
        let logger = location.logger
        let bank = try location.open(create: false)
        let summary = try await StageCLI.run { () async throws -> FilterSummary in
            let categoryIds = try StageCLI.categoryIds(categories, bank: bank)
            let p = parameters
            _ = try inference.directory.installedModel(named: p.clip, family: .clip)
            let scorer = try inference.scorer(p.clip, environment: inference.environment(), maxBatch: p.batchSize, logger: logger)
            let stage = FilterStage(bank: bank, scorer: scorer, executor: InferenceExecutor(), logger: logger)
            defer { StageCLI.endProgress() }
            return try await stage.run(
                FilterStage.Options(categoryIds: categoryIds, rule: p.rule, batchSize: p.batchSize, scoring: p.scoring), progress: StageCLI.progress)
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
