import Foundation
import GRDB
import Synchronization
import Testing
@testable import XPasteBank

/// Faults and hostile inputs the bank must survive with a typed error: no trap, no hang, no
/// silent loss (issue 13).
@Suite struct BankHostileInputTests {
    /// `--min-score 5 --max-score 1` and non-finite bounds trapped in `ClosedRange`.
    @Test func optionRangesAreValidated() throws {
        func message(_ min: Double?, _ max: Double?, _ lower: Double, _ upper: Double, _ names: (String, String)) -> String? {
            do {
                _ = try OptionRange.make(min: min, max: max, minOption: names.0, maxOption: names.1, lower: lower, upper: upper)
                return nil
            } catch {
                return error.code == "bank.invalid_argument" ? error.description : "wrong code \(error.code)"
            }
        }
        let score = ("--min-score", "--max-score"), area = ("--min-area", "--max-area")
        let inverted = message(5, 1, -1e299, 1e299, score)
        #expect(inverted == "invalid argument: --min-score 5.0 is above --max-score 1.0")
        let nan = message(.nan, nil, 0, 1, score)
        #expect(nan == "invalid argument: --min-score must be a finite number, got nan")
        let inf = message(.infinity, nil, 0, 1e299, area)
        #expect(inf == "invalid argument: --min-area must be a finite number, got inf")
        let negative = message(nil, -1, 0, 1e299, area)
        #expect(negative == "invalid argument: --max-area -1.0 is below the smallest value 0.0")
        #expect(try OptionRange.make(min: 1, max: 5, minOption: "a", maxOption: "b", lower: 0, upper: 9) == 1...5)
        #expect(try OptionRange.make(min: nil, max: nil, minOption: "a", maxOption: "b", lower: 0, upper: 9) == nil)
    }

    /// Twelve opens racing to create one new bank: each used to fail in most trials ("database is
    /// locked", "not an xpaste bank", "index … already exists").
    @Test func concurrentFirstOpensAllSucceed() throws {
        for _ in 0..<3 {
            let dir = try BankFixture.makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let url = dir.appendingPathComponent("bank.sqlite")
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 12) { _ in
                var phase = "open"
                do {
                    let bank = try SQLiteBank(url: url, logger: BankFixture.logger)
                    phase = "read"
                    _ = try bank.stats()
                    phase = "close"
                    try bank.close()
                } catch {
                    failures.withLock { $0.append("\(phase): \(error)") }
                }
            }
            #expect(failures.withLock { $0 } == [])
            let bank = try SQLiteBank(url: url, configuration: .readOnly, logger: BankFixture.logger)
            #expect(try bank.verify(full: true).isOK)
            try bank.close()
        }
    }

    /// Read commands open read-only: they read, never write (a write is a typed error naming the
    /// file), and refuse a zero-byte or missing file instead of making it a bank.
    @Test func readOnlyOpenReadsAndRefusesEmptyFiles() throws {
        let f = try BankFixture()
        try f.addCategories()
        try f.bank.close()
        let before = try Data(contentsOf: f.url)
        let bank = try SQLiteBank(url: f.url, configuration: .readOnly, logger: BankFixture.logger)
        #expect(try bank.categories().count == 3)
        #expect {
            try bank.upsertCategories([BankCategory(id: 9, name: "nine")])
        } throws: { error in
            guard let e = error as? BankError else { return false }
            return e.code == "bank.io" && e.description.contains(f.url.path)
        }
        try bank.close()
        try bank.close()  // a second close is a no-op (it crashed inside SQLite)
        #expect(try Data(contentsOf: f.url) == before)

        let empty = f.directory.appendingPathComponent("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: empty.path, contents: Data()))
        for configuration in [BankConfiguration.readOnly, BankConfiguration(createIfMissing: false)] {
            #expect(throws: BankError.notSQLite("\(empty.path) is empty, not an xpaste bank")) {
                try SQLiteBank(url: empty, configuration: configuration, logger: BankFixture.logger)
            }
        }
        #expect(try Data(contentsOf: empty).isEmpty)
        let missing = f.directory.appendingPathComponent("missing.sqlite")
        #expect(throws: BankError.notFound(missing.path)) { try SQLiteBank(url: missing, configuration: .readOnly, logger: BankFixture.logger) }
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }

    /// `bank export` copied a blob whose bytes no longer match its hash; now it is reported and skipped.
    @Test func exportVerifiesBlobHashes() async throws {
        let f = try BankFixture()
        try f.addCategories()
        let source = try f.addSource(seed: 1)
        let good = try await f.bank.addInstances([try BankFixture.instance(source: source, category: 1, seed: 1, status: .accepted)])[0].id
        let bad = try await f.bank.addInstances([try BankFixture.instance(source: source, category: 2, seed: 2, status: .accepted)])[0].id
        try await f.bank.pool.write { db in
            try db.execute(sql: "UPDATE blob SET data = zeroblob(size) WHERE id = (SELECT cutout_blob_id FROM instance WHERE id = ?)",
                           arguments: [bad])
        }
        let out = f.directory.appendingPathComponent("export")
        let summary = try await BankExporter(bank: f.bank, logger: BankFixture.logger).export(to: out)
        #expect(summary.corruptInstances == [bad])
        #expect(summary.instances == 1)
        let written = try FileManager.default.subpathsOfDirectory(atPath: out.appendingPathComponent("images").path).filter { $0.hasSuffix(".png") }
        #expect(written.map { ($0 as NSString).lastPathComponent } == ["\(good).png"])
    }

    /// A FIFO named x.png in an import folder hung the import on `open`.
    @Test func folderImportSkipsFIFOs() async throws {
        let f = try BankFixture()
        let folder = f.directory.appendingPathComponent("cutouts/widget")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(mkfifo(folder.appendingPathComponent("x.png").path, 0o600) == 0)
        let summary = try await BankImporter(bank: f.bank, logger: BankFixture.logger).importFolder(f.directory.appendingPathComponent("cutouts"))
        #expect(summary.skipped.map(\.reason) == ["not a regular file (a FIFO, device or socket)"])
    }

    /// `--pool` reported raw `DecodingError` text; now a short typed error with the JSON path.
    @Test func poolErrorsAreTyped() async throws {
        let f = try BankFixture()
        let pool = f.directory.appendingPathComponent("pool.json")
        try Data(#"{"0": ["a.png", 3]}"#.utf8).write(to: pool)
        await #expect {
            try await BankImporter(bank: f.bank, logger: BankFixture.logger).importPool(pool)
        } throws: { error in
            guard let e = error as? BankError else { return false }
            return e.code == "bank.invalid_import" && e.description.contains("at $.0[1]: expected a string") && !e.description.contains("DecodingError")
        }
        let fifo = f.directory.appendingPathComponent("fifo.json")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        await #expect(throws: BankError.self) { try await BankImporter(bank: f.bank, logger: BankFixture.logger).importPool(fifo) }
    }
}
