import ArgumentParser
import Foundation
import Logging
import XPasteBank

/// The options every `xpaste bank` command shares: which bank, and how chatty.
struct BankLocationOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the SQLite instance bank.")
    var bank = "data/bank.sqlite"

    @Flag(name: .shortAndLong, help: "Log every batch and query (to stderr).")
    var verbose = false

    /// A logger writing to stderr, so stdout stays parseable.
    var logger: Logger {
        var logger = Logger(label: "xpaste.bank") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = verbose ? .debug : .notice
        return logger
    }

    /// Opens the bank: `create` for commands that may make it, `readOnly` for commands that only
    /// read (they never create, migrate or write, so a read-only file or folder is fine).
    func open(create: Bool, readOnly: Bool = false) throws -> SQLiteBank {
        try BankCLI.run {
            try SQLiteBank(
                url: URL(fileURLWithPath: bank),
                configuration: readOnly ? .readOnly : BankConfiguration(createIfMissing: create), logger: logger)
        }
    }
}

/// Filter flags shared by `ls` and `export`, turned into an `InstanceFilter`.
struct BankFilterOptions: ParsableArguments {
    @Option(name: .customLong("category"), help: "Category id or name (repeatable).")
    var categories: [String] = []

    @Option(name: .customLong("prefix"), help: "Categories whose name starts with this.")
    var categoryPrefix: String?

    @Option(name: .customLong("status"), help: "pending, accepted or rejected (repeatable).")
    var statuses: [String] = []

    @Option(name: .customLong("kind"), help: "Source kind: crawled, generated, uploaded, background (repeatable).")
    var kinds: [String] = []

    @Option(name: .customLong("segmenter"), help: "Segmenter name (repeatable).")
    var segmenters: [String] = []

    @Option(name: .long, help: "Job id.")
    var job: String?

    @Option(name: .long, help: "Lowest CLIP score.")
    var minScore: Double?

    @Option(name: .long, help: "Highest CLIP score.")
    var maxScore: Double?

    @Option(name: .long, help: "Smallest area ratio.")
    var minArea: Double?

    @Option(name: .long, help: "Largest area ratio.")
    var maxArea: Double?

    /// The filter, resolving category names through the bank.
    func filter(_ bank: SQLiteBank, defaultStatuses: [InstanceStatus]? = nil) throws -> InstanceFilter {
        var filter = InstanceFilter()
        if !categories.isEmpty {
            filter.categoryIds = try categories.map { text in
                if let id = Int64(text) { return id }
                guard let category = try BankCLI.run({ try bank.category(named: text) }) else {
                    throw ValidationError("no category named \"\(text)\" in the bank")
                }
                return category.id
            }
        }
        filter.categoryNamePrefix = categoryPrefix
        filter.statuses = try statuses.isEmpty ? defaultStatuses : statuses.map { try parse(InstanceStatus.self, $0, "status") }
        filter.sourceKinds = try kinds.isEmpty ? nil : kinds.map { try parse(SourceKind.self, $0, "kind") }
        filter.segmenters = segmenters.isEmpty ? nil : segmenters
        filter.jobId = job
        try BankCLI.run {
            filter.clipScore = try OptionRange.make(min: minScore, max: maxScore, minOption: "--min-score", maxOption: "--max-score",
                                                    lower: -1e299, upper: 1e299)
            filter.areaRatio = try OptionRange.make(min: minArea, max: maxArea, minOption: "--min-area", maxOption: "--max-area",
                                                    lower: 0, upper: 1e299)
        }
        return filter
    }

    private func parse<E: RawRepresentable<String> & CaseIterable>(_ type: E.Type, _ text: String, _ what: String) throws -> E {
        guard let value = E(rawValue: text.lowercased()) else {
            throw ValidationError("unknown \(what) \"\(text)\"; expected one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }
}

/// How the bank commands report errors: the stable code and the message on stderr, the exit status
/// of the code's class (`ExitStatus`).
enum BankCLI {
    static func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as BankError {
            throw Console.fail(code: error.code, error.description)
        }
    }

    /// `run` for async bank work (import, export, vocabulary linking).
    static func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as BankError {
            throw Console.fail(code: error.code, error.description)
        }
    }

    /// JSON for `--json` output: sorted keys, one value per call.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
