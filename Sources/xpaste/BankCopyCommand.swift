import ArgumentParser
import Foundation
import Logging
import XPasteBank
import XPastePostgres

/// `xpaste bank copy`: moves a bank between SQLite and PostgreSQL (or between two of either),
/// resumable and verified.
struct BankCopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a bank between SQLite and PostgreSQL, resumably, and check the copy.",
        discussion: """
            FROM and TO are each a bank file (data/bank.sqlite) or a PostgreSQL URL (postgres://user@host:port/db). \
            Categories keep their ids; sources and instances get the destination's ids. Each batch is one \
            transaction in TO and a copy never writes twice (one source per image hash, one instance per cutout \
            and category), so a copy stopped anywhere resumes by running the same command again: the progress \
            file lets it skip what is done. At the end both banks are read through and compared (categories, \
            counts, and digests of every source and instance); a difference exits 65 with [bank.copy_mismatch]. The source bank should not \
            change while it is copied, and TO should be empty or a partial copy of FROM.
            """)

    @Option(help: "The bank to copy: a .sqlite file or a postgres:// URL.")
    var from: String

    @Option(help: "Where to copy it: a .sqlite file (made when missing) or a postgres:// URL.")
    var to: String

    @Option(help: "Sources or instances per transaction.")
    var batch = 200

    @Option(help: "The progress file that makes a rerun resume (default: .xpaste-bank-copy-<id>.json in the current folder, removed after a verified copy).")
    var progress: String?

    @Flag(help: "Skip the comparison at the end.")
    var noVerify = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Flag(name: .shortAndLong, help: "Log every committed batch (to stderr).")
    var verbose = false

    func validate() throws {
        guard (1...1000).contains(batch) else { throw ValidationError("--batch must be in 1…1000") }
        guard from != to else { throw ValidationError("--from and --to name the same bank") }
    }

    func run() async throws {
        var logger = Logger(label: "xpaste.bank.copy") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .debug : .notice
        let source = try await OpenedBank.open(from, create: false, logger: logger)
        let destination: OpenedBank
        do {
            destination = try await OpenedBank.open(to, create: true, logger: logger)
        } catch {
            await source.close()
            throw error
        }
        do {
            try await copy(source, destination, logger: logger)
        } catch {
            await source.close()
            await destination.close()
            throw error
        }
        await source.close()
        await destination.close()
    }

    private func copy(_ source: OpenedBank, _ destination: OpenedBank, logger: Logger) async throws {
        let progressURL = URL(fileURLWithPath: progress ?? ".xpaste-bank-copy-\(Self.runId(from: from, to: to)).json")
        var resume = CopyProgress()
        if let data = try? Data(contentsOf: progressURL) {
            do {
                resume = try JSONDecoder().decode(CopyProgress.self, from: data)
            } catch {
                throw Console.fail(code: "bank.invalid_argument", "\(progressURL.path) is not a copy progress file (remove it to start over): \(error)")
            }
            Console.err("resuming from \(progressURL.path): \(resume.sources) sources and \(resume.instances) instances done\n")
        }
        let copier = BankCopier(from: source.bank, to: destination.bank, batchSize: batch, logger: logger)
        let start = ContinuousClock.now
        let done = try await BankCLI.run {
            try await copier.copy(resuming: resume) { progress in
                let data = try JSONEncoder().encode(progress)
                // Written whole or not at all: a kill mid-write leaves the last good progress.
                try data.write(to: progressURL, options: .atomic)
            }
        }
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        var verification: CopyVerification?
        if !noVerify { verification = try await BankCLI.run { try await copier.verify() } }
        if verification?.matches ?? true { try? FileManager.default.removeItem(at: progressURL) }
        if json {
            struct Output: Encodable {
                var progress: CopyProgress
                var seconds: Double
                var verified: Bool?
                var differences: [String]?
            }
            print(try BankCLI.json(Output(progress: done, seconds: seconds, verified: verification?.matches, differences: verification?.differences)))
        } else {
            print("copied \(done.categories) categories, \(done.sources) sources (\(done.sourcesAdded) new), \(done.instances) instances (\(done.instancesAdded) new) in \(String(format: "%.1f", seconds)) s")
            if let verification {
                if verification.matches {
                    print("verified: both banks hold the same \(verification.source.instanceCount) instances (instance digest \(verification.source.instances.prefix(16)))")
                } else {
                    for line in verification.differences { print("differs: \(line)") }
                }
            }
        }
        if let verification, !verification.matches {
            throw Console.fail(code: "bank.copy_mismatch", "the copy does not match its source; the progress file \(progressURL.path) is kept")
        }
    }

    /// A short id of the pair of banks, for the default progress file name.
    static func runId(from: String, to: String) -> String {
        String(SHA256Digest(hashing: Data("\(from)\n\(to)".utf8)).hex.prefix(12))
    }
}

/// A bank opened from a command-line argument: a file or a PostgreSQL URL.
struct OpenedBank: Sendable {
    let bank: any InstanceBank
    let close: @Sendable () async -> Void

    /// Opens `spec`; `create` allows making a missing SQLite file (PostgreSQL tables are always
    /// made when missing).
    static func open(_ spec: String, create: Bool, logger: Logger) async throws -> OpenedBank {
        if spec.hasPrefix("postgres://") || spec.hasPrefix("postgresql://") {
            let location: PostgresLocation
            do { location = try PostgresLocation(url: spec) } catch { throw Console.fail(code: error.code, error.description) }
            let bank = PostgresBank(location: location, logger: logger)
            let pool = Task { try await bank.run() }
            do {
                try await bank.migrate(timeout: .seconds(30))
            } catch {
                pool.cancel()
                throw Console.fail(code: error.code, error.description)
            }
            return OpenedBank(bank: bank) {
                pool.cancel()
                _ = await pool.result
            }
        }
        let bank = try BankCLI.run {
            try SQLiteBank(url: URL(fileURLWithPath: spec), configuration: BankConfiguration(createIfMissing: create), logger: logger)
        }
        return OpenedBank(bank: bank) { try? bank.close() }
    }
}
