import Foundation
import Logging
import Testing
import XPasteBank
import XPastePostgres
import XPasteTestSupport

/// `BankCopier` and `xpaste bank copy`: SQLite to PostgreSQL and back without loss, resumed after
/// an interruption without duplicates, and a copy that does not match is reported.
@Suite(.serialized) struct BankCopyTests {
    /// A bank with every kind of row: LVIS and user categories, kept and hash-only sources, large
    /// sources in SQLite's folder, instances with and without thumbnails, decided and pending.
    static func fill(_ bank: any InstanceBank) async throws {
        try await bank.upsertCategories(BankSamples.categories)
        let user = try await bank.userCategory(named: "teapot")
        var sources: [Int64] = []
        for k in 0..<5 {
            let bytes = try BankSamples.cutoutPNG(seed: 500 + k, width: 16 + k, height: 12)
            let record = k % 2 == 0
                ? NewSource(kind: .crawled, bytes: bytes, width: 16 + k, height: 12, provenance: SourceProvenance(url: "https://example.org/\(k).png"),
                            categoryId: 1, jobId: "job-\(k % 2)", mediaType: "image/png", clipScore: Double(k))
                : BankSamples.source(seed: k, kind: .generated, category: user.id, job: "job-x")
            sources.append(try await bank.addSource(record).id)
        }
        var instances: [NewInstance] = []
        for k in 0..<17 {
            let status: InstanceStatus = [.pending, .accepted, .rejected][k % 3]
            instances.append(try BankSamples.instance(
                source: sources[k % sources.count], category: k % 4 == 0 ? user.id : Int64(1 + k % 3), seed: k,
                score: k % 5 == 0 ? nil : Double(k) * 1.5, area: Double(k) / 40, status: status, thumbnail: k % 2 == 0,
                createdAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(k / 3)), segmenter: k % 3 == 0 ? "isnet" : "u2net"))
        }
        _ = try await bank.addInstances(instances)
        let failed = sources[1]
        try await bank.write { writer in try writer.updateSource(id: failed, status: .failed, error: "no object", clipScore: nil) }
    }

    @Test func sqliteToPostgresAndBackLosesNothing() async throws {
        try await BankDriver.sqlite.withBank { sqlite, _ in
            try await Self.fill(sqlite)
            try await BankDriver.postgres.withBank { postgres, _ in
                let there = BankCopier(from: sqlite, to: postgres, batchSize: 4, logger: BankDriver.logger)
                let done = try await there.copy()
                #expect(done.sources == 5 && done.sourcesAdded == 5 && done.instances == 17 && done.instancesAdded == 17 && done.instancesDone)
                let check = try await there.verify()
                #expect(check.matches, "\(check.differences)")
                #expect(check.destination.instanceCount == 17 && check.destination.categories.count == 4)
                // Kept bytes arrive, byte for byte.
                let crawled = try #require(try await postgres.sources(status: nil, kinds: [.crawled], categoryIds: nil, afterId: 0, limit: 10).first)
                #expect(try await postgres.sourceImage(id: crawled.id) == (try BankSamples.cutoutPNG(seed: 500, width: 16, height: 12)))
                // A second run adds nothing.
                let again = try await there.copy()
                #expect(again.sourcesAdded == 0 && again.instancesAdded == 0)

                try await BankDriver.sqlite.withBank { back, _ in
                    let home = BankCopier(from: postgres, to: back, batchSize: 1000, logger: BankDriver.logger)
                    _ = try await home.copy()
                    let round = try await home.verify()
                    #expect(round.matches, "\(round.differences)")
                    #expect(round.destination == check.source)
                    #expect(try await back.verify(full: true).isOK)
                }
            }
        }
    }

    @Test func aStoppedCopyResumesWithoutDuplicates() async throws {
        try await BankDriver.sqlite.withBank { sqlite, _ in
            try await Self.fill(sqlite)
            try await BankDriver.postgres.withBank { postgres, _ in
                let copier = BankCopier(from: sqlite, to: postgres, batchSize: 3, logger: BankDriver.logger)
                struct Killed: Error {}
                let saved = ProgressBox()
                // Stops after the fourth committed batch: two of sources, two of instances.
                await #expect(throws: Killed.self) {
                    _ = try await copier.copy { progress in
                        saved.value = progress
                        if saved.countBatch() == 4 { throw Killed() }
                    }
                }
                let partial = try #require(saved.value)
                #expect(partial.sourcesAfter > 0 && partial.instances == 6 && !partial.instancesDone)
                #expect(try await postgres.stats().instances == 6)
                let done = try await copier.copy(resuming: partial)
                #expect(done.instances == 17 && done.instancesAdded == 17 && done.sourcesAdded == 5)
                #expect(try await copier.verify().matches)
                #expect(try await postgres.stats().instances == 17)
            }
        }
    }

    @Test func theCommandCopiesVerifiesAndReportsAMismatch() async throws {
        let binary = try #require(XPasteBinary.url, "build the xpaste product (swift build --build-tests builds it)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xpc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bank.sqlite")
        let bank = try SQLiteBank(url: file, logger: BankDriver.logger)
        try await Self.fill(bank)
        try bank.close()
        let url = try PostgresTestCluster.shared.get().makeDatabase(prefix: "copycli")
        func run(_ arguments: [String]) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = binary
            process.arguments = arguments
            process.currentDirectoryURL = dir
            let out = Pipe()
            process.standardOutput = out
            process.standardError = out
            try process.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        var (status, text) = try run(["bank", "copy", "--from", file.path, "--to", url, "--batch", "5"])
        #expect(status == 0 && text.contains("17 instances (17 new)") && text.contains("verified"), "\(text)")
        // The verified copy removed its progress file.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".xpaste-bank-copy") }.isEmpty)
        (status, text) = try run(["bank", "copy", "--from", url, "--to", dir.appendingPathComponent("back.sqlite").path, "--json"])
        #expect(status == 0 && text.contains("\"verified\":true"), "\(text)")
        // Into a bank that holds something else: copied, but it does not match, and says so.
        let other = dir.appendingPathComponent("other.sqlite")
        let otherBank = try SQLiteBank(url: other, logger: BankDriver.logger)
        _ = try await otherBank.addSource(BankSamples.source(seed: 999))
        try otherBank.close()
        (status, text) = try run(["bank", "copy", "--from", file.path, "--to", other.path])
        #expect(status != 0 && text.contains("[bank.copy_mismatch]") && text.contains("differs: source digests differ"), "\(text)")
        (status, text) = try run(["bank", "copy", "--from", dir.appendingPathComponent("missing.sqlite").path, "--to", other.path])
        #expect(status != 0 && text.contains("[bank.not_found]"), "\(text)")
        (status, text) = try run(["bank", "copy", "--from", file.path, "--to", "postgres://x@127.0.0.1:1/db?sslmode=bogus"])
        #expect(status == 64 && text.contains("[postgres.invalid_url]"), "\(text)")
    }
}

/// The last progress a copy reported, and how many batches it committed.
final class ProgressBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: CopyProgress?
    private var count = 0
    var value: CopyProgress? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
    func countBatch() -> Int { lock.withLock { count += 1; return count } }
}
