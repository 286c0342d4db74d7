import ArgumentParser
import Foundation
import XPasteBank

/// `xpaste bank export`: accepted cutouts as an X-Paste instance pool and a folder per category.
struct BankExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export cutouts as an X-Paste instance pool (pool.json) and a folder per category.",
        discussion: """
            Writes OUT/pool.json (load it with X-Paste's INPUT.INST_POOL_PATH), OUT/images/<category>/<id>.png, \
            OUT/categories.json and OUT/instances.jsonl (scores and provenance, read back by `bank import --folder`). \
            Exports accepted instances unless --status says otherwise.
            """)

    @OptionGroup var location: BankLocationOptions
    @OptionGroup var filters: BankFilterOptions

    @Argument(help: "Output folder (created if missing).")
    var out: String

    func run() async throws {
        let bank = try location.open(create: false, readOnly: true)
        defer { try? bank.close() }
        let filter = try filters.filter(bank, defaultStatuses: [.accepted])
        let exporter = BankExporter(bank: bank, logger: location.logger)
        let summary = try await BankCLI.run { try await exporter.export(to: URL(fileURLWithPath: out), filter: filter) }
        print("exported \(summary.instances) cutouts in \(summary.categories) categories to \(summary.folder.path)")
        print("X-Paste pool: \(summary.poolFile.path) (\(summary.pooledInstances) cutouts in LVIS categories)")
        if !summary.corruptInstances.isEmpty {
            let ids = summary.corruptInstances.map(String.init).joined(separator: ", ")
            throw Console.fail(code: BankError.corrupt("").code,
                               "skipped \(summary.corruptInstances.count) instance(s) whose cutout blob does not match its SHA-256: \(ids) (see `xpaste bank verify`)")
        }
    }
}
