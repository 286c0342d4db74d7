import ArgumentParser
import Foundation
import XPasteBank

/// `xpaste bank import`: seed the bank from an X-Paste pool or a folder of cutouts.
struct BankImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import cutouts: an X-Paste pool file, or a folder with one sub-folder of RGBA PNGs per category.",
        discussion: """
            Each batch of files commits in one transaction; an interrupted import keeps whole batches and can \
            simply be run again (cutouts already in the bank are skipped).
            """)

    @OptionGroup var location: BankLocationOptions

    @Option(help: "X-Paste instance pool json (category index → list of paths).")
    var pool: String?

    @Option(help: "Folder with one sub-folder per category (or an `xpaste bank export` folder).")
    var folder: String?

    @Option(help: "Files per transaction.")
    var batch = 64

    @Option(help: "Status to give imported cutouts: pending, accepted or rejected.")
    var status = "accepted"

    @Option(help: "Job id to file the imported instances under.")
    var job: String?

    func validate() throws {
        guard (pool == nil) != (folder == nil) else { throw ValidationError("give exactly one of --pool and --folder") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard InstanceStatus(rawValue: status) != nil else { throw ValidationError("--status must be pending, accepted or rejected") }
    }

    func run() throws {
        let bank = try location.open(create: true)
        defer { try? bank.close() }
        let options = BankImporter.Options(batchSize: batch, status: InstanceStatus(rawValue: status)!, jobId: job)
        let importer = BankImporter(bank: bank, logger: location.logger, options: options)
        let summary = try BankCLI.run {
            if let pool { return try importer.importPool(URL(fileURLWithPath: pool)) }
            return try importer.importFolder(URL(fileURLWithPath: folder!))
        }
        print("imported \(summary.imported) of \(summary.files) files (\(summary.duplicates) already in the bank, \(summary.skipped.count) skipped)")
        if !summary.categoriesCreated.isEmpty {
            print("new categories: \(summary.categoriesCreated.joined(separator: ", "))")
        }
        for skip in summary.skipped.prefix(20) { print("skipped \(skip.path): \(skip.reason)") }
        if summary.skipped.count > 20 { print("… and \(summary.skipped.count - 20) more skipped") }
    }
}
