import ArgumentParser
import Foundation
import XPasteBank
import XPasteLVIS

/// `xpaste bank import`: seed the bank from an X-Paste pool or a folder of cutouts.
struct BankImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import cutouts: an X-Paste pool, a folder of RGBA PNGs per category, or a COCO/LVIS file's instances.",
        discussion: """
            Each batch commits in one transaction; an interrupted import keeps whole batches and can simply be run \
            again (cutouts already in the bank are skipped).
            Vocabulary: an empty bank starts with the LVIS v1 vocabulary, from --lvis-categories or \
            $XPASTE_LVIS_CATEGORIES (lvis_v1_categories.json), so folder and pool categories get LVIS ids, names and \
            frequencies; --custom-vocabulary starts it without (your own category names, ids from 1,000,000). \
            --lvis-categories on a bank that already has categories links them to LVIS first (as `xpaste bank link-lvis`).
            --folder: one sub-folder per category, named by the category (name or synonym), or by its LVIS id ("569"). \
            PNG, WebP and JPEG files are read, in nested folders too. Unless --as-is, each file gets X-Paste's clean-up: \
            alpha ≤ 128 is background, only the largest connected component is kept (holes filled), cropped to it. \
            Files without alpha (JPEG, RGB PNG) become full-rectangle objects and are listed. Files outside a category \
            folder or of other types are skipped and listed with the reason.
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

    @Flag(help: "--folder: keep cutouts as they are (no alpha threshold, no largest-component clean-up, no crop).")
    var asIs = false

    @Flag(help: "Start an empty bank without the LVIS vocabulary (for your own category names).")
    var customVocabulary = false

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
        guard !(customVocabulary && lvisCategories != nil) else { throw ValidationError("--custom-vocabulary and --lvis-categories exclude each other") }
        guard sources == 1 || (sources == 0 && lvisCategories != nil) else {
            throw ValidationError("give exactly one of --pool, --folder and --coco (or only --lvis-categories)")
        }
        guard (coco == nil) == (images == nil) else { throw ValidationError("--coco needs --images, and --images needs --coco") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard InstanceStatus(rawValue: status) != nil else { throw ValidationError("--status must be pending, accepted or rejected") }
    }

    func run() async throws {
        let bank = try location.open(create: true)
        defer { try? bank.close() }
        let isEmpty = try BankCLI.run { try bank.categories().isEmpty }
        var listPath = lvisCategories
        if listPath == nil, isEmpty, !customVocabulary {
            // The default for an empty bank: LVIS ids, or the datasets made from it mislabel.
            guard let env = ProcessInfo.processInfo.environment["XPASTE_LVIS_CATEGORIES"], !env.isEmpty else {
                throw ValidationError("""
                    the bank is empty: it starts with the LVIS v1 vocabulary. Give --lvis-categories PATH \
                    (lvis_v1_categories.json, the categories of LVIS v1 train) or set XPASTE_LVIS_CATEGORIES, \
                    or --custom-vocabulary to file cutouts under your own category names
                    """)
            }
            listPath = env
        }
        if let listPath {
            let vocabulary: LVISVocabulary
            do {
                vocabulary = try LVISVocabulary(contentsOf: URL(fileURLWithPath: listPath))
            } catch {
                throw ValidationError("cannot read LVIS categories from \(listPath): \(error)")
            }
            let linked = try await BankCLI.run { try await LVISCategoryLinker(vocabulary: vocabulary).link(bank) }
            print("loaded \(vocabulary.count) LVIS categories")
            BankLinkLVISCommand.report(linked)
        }
        let options = BankImporter.Options(
            batchSize: batch, status: InstanceStatus(rawValue: status)!, jobId: job,
            thumbnailMaxSide: noThumbnails ? nil : ThumbnailMaker.defaultMaxSide, includeCrowd: includeCrowd, asIs: asIs)
        let importer = BankImporter(bank: bank, logger: location.logger, options: options)
        let summary: ImportSummary
        if let pool {
            summary = try await BankCLI.run { try await importer.importPool(URL(fileURLWithPath: pool)) }
        } else if let folder {
            summary = try await BankCLI.run { try await importer.importFolder(URL(fileURLWithPath: folder)) }
        } else if let coco, let images {
            summary = try await BankCLI.run {
                try await importer.importCOCO(annotations: URL(fileURLWithPath: coco), imageRoot: URL(fileURLWithPath: images))
            }
        } else {
            return
        }
        let what = coco == nil ? "files" : "annotations"
        print("imported \(summary.imported) of \(summary.files) \(what) (\(summary.duplicates) already in the bank, \(summary.skipped.count) skipped)")
        if !summary.categoriesCreated.isEmpty {
            print("new categories: \(summary.categoriesCreated.joined(separator: ", "))")
        }
        if !summary.cleanup.isEmpty { print("clean-up: \(summary.cleanup)") }
        if !summary.withoutAlpha.isEmpty {
            print("\(summary.withoutAlpha.count) files have no alpha channel: each whole rectangle is the object (first: \(summary.withoutAlpha[0]))")
        }
        for skip in summary.skipped.prefix(20) { print("skipped \(skip.path): \(skip.reason)") }
        if summary.skipped.count > 20 { print("… and \(summary.skipped.count - 20) more skipped") }
    }
}
