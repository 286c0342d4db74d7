import ArgumentParser
import XPasteBank

/// `xpaste bank stats`: totals and per-category counts.
struct BankStatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Show what the bank holds: totals and per-category counts by status.")

    @OptionGroup var location: BankLocationOptions

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "Also check the file: SQLite integrity, references, kept source files, blob hashes.")
    var verify = false

    func run() throws {
        let bank = try location.open(create: false, readOnly: true)
        defer { try? bank.close() }
        let stats = try BankCLI.run { try bank.stats() }
        let counts = try BankCLI.run { try bank.categoryCounts() }
        let verification = verify ? try BankCLI.run { try bank.verify(full: true) } : nil
        if json {
            struct Output: Encodable {
                var stats: BankStats
                var categories: [CategoryCounts]
                var verification: BankVerification?
            }
            print(try BankCLI.json(Output(stats: stats, categories: counts, verification: verification)))
        } else {
            print("bank        \(location.bank) (schema v\(stats.schemaVersion), \(stats.fileBytes / 1024) KiB on disk)")
            print("categories  \(stats.categories) (\(stats.categoriesWithAccepted) with accepted instances)")
            let kinds = SourceKind.allCases.map { "\($0.rawValue) \(stats.sourcesByKind[$0] ?? 0)" }.joined(separator: ", ")
            print("sources     \(stats.sources): \(kinds)")
            let statuses = InstanceStatus.allCases.map { "\($0.rawValue) \(stats.instancesByStatus[$0] ?? 0)" }.joined(separator: ", ")
            print("instances   \(stats.instances): \(statuses)")
            print("blobs       \(stats.blobs), \(stats.blobBytes / 1024) KiB")
            if !counts.isEmpty {
                print("")
                print(pad("id", 9) + pad("category", 32) + pad("pending", 9) + pad("accepted", 9) + "rejected")
                for c in counts {
                    print(pad("\(c.categoryId)", 9) + pad(c.name, 32) + pad("\(c.pending)", 9) + pad("\(c.accepted)", 9) + "\(c.rejected)")
                }
            }
            if let verification {
                print("")
                print("verify      \(verification.isOK ? "ok" : "PROBLEMS FOUND") (\(verification.blobsChecked) blobs re-hashed)")
                for line in verification.integrity where line != "ok" { print("  integrity: \(line)") }
                for line in verification.foreignKeyViolations { print("  reference: \(line)") }
                for path in verification.missingSourceFiles { print("  missing source file: \(path)") }
                for sha in verification.corruptBlobs { print("  corrupt blob: \(sha)") }
                for id in verification.countMismatches { print("  count mismatch in category \(id)") }
            }
        }
        if let verification, !verification.isOK { throw ExitCode(ExitStatus.badInput) }
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
