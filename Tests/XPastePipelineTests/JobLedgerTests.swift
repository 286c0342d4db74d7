import Foundation
import Testing
import XPasteBank
import XPastePipeline

/// The SQLite job ledger under the typed store.
@Suite("Job ledger")
struct JobLedgerTests {
    static func job(_ id: String, key: String? = nil, state: String = "queued") -> LedgerJob {
        LedgerJob(id: id, idempotencyKey: key, state: state, createdAt: Date(), updatedAt: Date(), document: Data("{\"id\":\"\(id)\"}".utf8))
    }

    @Test func idempotencyKeysEventsAndPaging() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = try SQLiteJobLedger(url: dir.appendingPathComponent("jobs.sqlite"), logger: .init(label: "t"))
        let first = try ledger.insert(Self.job("a", key: "k"), event: ("state", Data("1".utf8)))
        #expect(first.inserted)
        let again = try ledger.insert(Self.job("b", key: "k"), event: ("state", Data("1".utf8)))
        #expect(!again.inserted && again.job.id == "a")
        #expect(try ledger.job(id: "b") == nil)
        for k in 0..<5 { _ = try ledger.insert(Self.job("j\(k)", state: k % 2 == 0 ? "queued" : "running"), event: nil) }
        let seq = try ledger.update(id: "a", state: "running", document: Data("{}".utf8), event: ("progress", Data("2".utf8)))
        #expect(seq == 2)
        #expect(try ledger.appendEvent(jobId: "a", kind: "state", data: Data("3".utf8)) == 3)
        #expect(try ledger.events(jobId: "a", after: 1, limit: 10).map(\.sequence) == [2, 3])
        #expect(try ledger.events(jobId: "a", after: 0, limit: 10).map(\.kind) == ["state", "progress", "state"])
        // Newest first, keyset paging, state filter.
        #expect(try ledger.jobs(states: nil, beforeId: nil, limit: 3).map(\.id) == ["j4", "j3", "j2"])
        #expect(try ledger.jobs(states: nil, beforeId: "j2", limit: 3).map(\.id) == ["j1", "j0", "a"])
        #expect(try ledger.jobs(states: ["running"], beforeId: nil, limit: 10).map(\.id) == ["j3", "j1", "a"])
        #expect(throws: BankError.self) { try ledger.update(id: "nope", state: "x", document: Data(), event: nil) }
        #expect(throws: BankError.invalidCursor("no job with id zz")) { try ledger.jobs(states: nil, beforeId: "zz", limit: 1) }
        try ledger.close()
        // Reopened, everything is there.
        let reopened = try SQLiteJobLedger(url: dir.appendingPathComponent("jobs.sqlite"), logger: .init(label: "t"))
        #expect(try reopened.job(id: "a")?.state == "running")
    }

    @Test func refusesABankOrAForeignDatabase() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let bank = try SQLiteBank(url: dir.appendingPathComponent("bank.sqlite"), logger: .init(label: "t"))
        try bank.close()
        #expect(throws: BankError.self) { try SQLiteJobLedger(url: dir.appendingPathComponent("bank.sqlite"), logger: .init(label: "t")) }
        try Data("not a database at all, just text that is long enough".utf8).write(to: dir.appendingPathComponent("x.sqlite"))
        #expect(throws: BankError.self) { try SQLiteJobLedger(url: dir.appendingPathComponent("x.sqlite"), logger: .init(label: "t")) }
    }
}
