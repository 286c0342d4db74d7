import ArgumentParser
import XPasteBank

/// `xpaste bank verify`: checks a bank file and every reference in it.
struct BankVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the bank: SQLite integrity, references, kept source files; with --full also blob hashes and counters.",
        discussion: "Exits 0 when everything checks out, 2 when a problem was found (each is listed), 1 when the bank cannot be opened.")

    @OptionGroup var location: BankLocationOptions

    @Flag(help: "Also re-hash every blob and recount the per-category counters (reads the whole file).")
    var full = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        let bank = try location.open(create: false, readOnly: true)
        defer { try? bank.close() }
        let v = try BankCLI.run { try bank.verify(full: full) }
        if json {
            print(try BankCLI.json(v))
        } else {
            print("verify \(location.bank): \(v.isOK ? "ok" : "PROBLEMS FOUND")\(full ? " (\(v.blobsChecked) blobs re-hashed)" : "")")
            for line in v.integrity where line != "ok" { print("  integrity: \(line)") }
            for line in v.foreignKeyViolations { print("  reference: \(line)") }
            for path in v.missingSourceFiles { print("  missing source file: \(path)") }
            for sha in v.corruptBlobs { print("  corrupt blob: \(sha)") }
            for id in v.countMismatches { print("  count mismatch in category \(id)") }
        }
        if !v.isOK { throw ExitCode(ExitStatus.badInput) }
    }
}
