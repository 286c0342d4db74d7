import ArgumentParser
import Foundation
import XPasteLVIS

/// `xpaste lvis-stats FILE [--output PATH]`: the per-category size prior of an annotation file.
struct LVISStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lvis-stats",
        abstract: "Compute the per-category size prior (mean, std of sqrt(box area / image area)) of an LVIS/COCO file.",
        discussion: """
            Streams the file (LVIS train is ~1 GB) and writes a JSON object in the format of X-Paste's \
            lvis_v1_size_prior.json: {"<category id>": [mean, std], …}, std being the population std \
            (NumPy's np.std). Without --output the JSON goes to standard output; a summary goes to \
            standard error.
            """
    )

    @Argument(help: "LVIS or COCO instance annotation file.")
    var file: String

    @Option(name: .shortAndLong, help: "Write the prior here (atomically) instead of to standard output.")
    var output: String?

    func run() throws {
        let start = Date()
        let prior: LVISSizePrior, summary: LVISSizePriorAccumulator.Summary
        do {
            (prior, summary) = try LVISSizePrior.compute(fromFileAt: URL(fileURLWithPath: file))
            if let output {
                try prior.write(to: URL(fileURLWithPath: output))
            } else {
                try Console.out(prior.jsonData() + Data("\n".utf8))
            }
        } catch let error as LVISError {
            throw Console.fail(code: error.code, error.description)
        }
        var note = "lvis-stats: \(summary.categoryCount) categories from \(summary.annotationCount) annotations"
        if summary.unknownImageCount > 0 { note += "; skipped \(summary.unknownImageCount) with an unknown image_id" }
        if summary.emptyImageCount > 0 { note += "; skipped \(summary.emptyImageCount) on zero-area images" }
        note += String(format: " in %.2f s", Date().timeIntervalSince(start))
        if let output { note += " → \(output)" }
        Console.err(note + "\n")
    }
}
