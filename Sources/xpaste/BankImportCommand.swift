import ArgumentParser
import Foundation
import XPasteBank
import XPasteLVIS

/// `xpaste bank import`: seed the bank from an X-Paste pool or a folder of cutouts.
struct BankImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import cutouts: an X-Paste pool, a folder of RGBA PNGs per category, or a COCO/LVIS file's instances.",
        discussion: """
            Each batch commits in one transaction; an interrupted import keeps whole batches and can simply be run \
            again (cutouts already in the bank are skipped). --lvis-categories first loads the LVIS vocabulary \
            (e.g. lvis_v1_categories.json) so folder and pool categories get their LVIS ids and names.
            """)

    @OptionGroup var location: BankLocationOptions

    @Option(help: "X-Paste instance pool json (category index → list of paths).")
    var pool: String?

    @Option(help: "Folder with one sub-folder per category (or an `xpaste bank export` folder).")
    var folder: String?

    @Option(help: "COCO or LVIS instances json whose annotations become cutouts (with --images).")
    var coco: String?

    @Option(help: "Image folder for --coco (file_name, or <split>/<file> from coco_url, is looked up under it).")
    var images: String?

    @Option(help: "LVIS category list (a json array, or a full LVIS file) to load into the bank first.")
    var lvisCategories: String?

    @Flag(help: "Also import crowd annotations (--coco).")
    var includeCrowd = false

    @Flag(help: "Do not make thumbnails.")
    var noThumbnails = false

    @Option(help: "Files per transaction.")
    var batch = 64

    @Option(help: "Status to give imported cutouts: pending, accepted or rejected.")
    var status = "accepted"

    @Option(help: "Job id to file the imported instances under.")
    var job: String?

    func validate() throws {
        let sources = [pool, folder, coco].compactMap { $0 }.count
        guard sources == 1 || (sources == 0 && lvisCategories != nil) else {
            throw ValidationError("give exactly one of --pool, --folder and --coco (or only --lvis-categories)")
        }
        guard (coco == nil) == (images == nil) else { throw ValidationError("--coco needs --images, and --images needs --coco") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard InstanceStatus(rawValue: status) != nil else { throw ValidationError("--status must be pending, accepted or rejected") }
    }

    func run() throws {
        let bank = try location.open(create: true)
        defer { try? bank.close() }
        if let lvisCategories {
            let vocabulary: LVISVocabulary
            do {
                vocabulary = try LVISVocabulary(contentsOf: URL(fileURLWithPath: lvisCategories))
            } catch {
                throw ValidationError("cannot read LVIS categories from \(lvisCategories): \(error)")
            }
            try BankCLI.run { try bank.upsertCategories(vocabulary.categories.map(BankCategory.init(lvis:))) }
            print("loaded \(vocabulary.count) LVIS categories")
        }
        let options = BankImporter.Options(
            batchSize: batch, status: InstanceStatus(rawValue: status)!, jobId: job,
            thumbnailMaxSide: noThumbnails ? nil : ThumbnailMaker.defaultMaxSide, includeCrowd: includeCrowd)
        let importer = BankImporter(bank: bank, logger: location.logger, options: options)
        let summary: ImportSummary
        if let pool {
            summary = try BankCLI.run { try importer.importPool(URL(fileURLWithPath: pool)) }
        } else if let folder {
            summary = try BankCLI.run { try importer.importFolder(URL(fileURLWithPath: folder)) }
        } else if let coco, let images {
            summary = try BankCLI.run {
                try importer.importCOCO(annotations: URL(fileURLWithPath: coco), imageRoot: URL(fileURLWithPath: images))
            }
        } else {
            return
        }
        let what = coco == nil ? "files" : "annotations"
        print("imported \(summary.imported) of \(summary.files) \(what) (\(summary.duplicates) already in the bank, \(summary.skipped.count) skipped)")
        if !summary.categoriesCreated.isEmpty {
            print("new categories: \(summary.categoriesCreated.joined(separator: ", "))")
        }
        for skip in summary.skipped.prefix(20) { print("skipped \(skip.path): \(skip.reason)") }
        if summary.skipped.count > 20 { print("… and \(summary.skipped.count - 20) more skipped") }
    }
}
