import Foundation
import Logging
import Testing
import XPasteBank
import XPastePostgres
import XPasteTestSupport

/// The two job-ledger drivers.
enum LedgerDriver: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Runs `body` with a fresh ledger; `another` opens a second handle on the same storage.
    func withLedger(
        _ body: @Sendable (_ ledger: any JobLedger, _ another: @Sendable () async throws -> any JobLedger) async throws -> Void
    ) async throws {
        switch self {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xpl-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            let url = dir.appendingPathComponent("jobs.sqlite")
            let ledger = try SQLiteJobLedger(url: url, logger: BankDriver.logger)
            try await body(ledger) { try SQLiteJobLedger(url: url, logger: BankDriver.logger) }
        case .postgres:
            let cluster = try PostgresTestCluster.shared.get()
            let location = try PostgresLocation(url: try cluster.makeDatabase(prefix: "ledger"))
            let opened = OpenedQueues()
            defer { opened.cancelAll() }
            @Sendable func open() async throws -> PostgresJobLedger {
                let ledger = PostgresJobLedger(location: location, logger: BankDriver.logger)
                opened.add(Task { try await ledger.run() })
                try await ledger.migrate(timeout: .seconds(120))
                return ledger
            }
            let ledger = try await open()
            try await body(ledger) { try await open() }
        }
    }
}

/// Every job-ledger guarantee, on SQLite and on PostgreSQL alike.
@Suite(.serialized) struct JobLedgerConformanceTests {
    static func job(_ id: String, key: String? = nil, state: String = "queued") -> LedgerJob {
        LedgerJob(
            id: id, idempotencyKey: key, state: state, createdAt: Date(timeIntervalSince1970: 1_700_000_000.25),
            updatedAt: Date(timeIntervalSince1970: 1_700_000_000.25), document: Data("{\"id\":\"\(id)\"}".utf8))
    }

    @Test(arguments: LedgerDriver.allCases)
    func jobsEventsAndPages(_ driver: LedgerDriver) async throws {
        try await driver.withLedger { ledger, _ in
            let first = try await ledger.insert(Self.job("a", key: "k"), event: ("state", Data("1".utf8)))
            #expect(first.inserted)
            let again = try await ledger.insert(Self.job("b", key: "k"), event: ("state", Data("1".utf8)))
            #expect(!again.inserted && again.job.id == "a" && again.job.document == Data("{\"id\":\"a\"}".utf8))
            #expect(try await ledger.job(id: "b") == nil)
            #expect(try await ledger.job(idempotencyKey: "k")?.id == "a")
            #expect(try await ledger.job(id: "a")?.createdAt == Date(timeIntervalSince1970: 1_700_000_000.25))
            for k in 0..<5 { _ = try await ledger.insert(Self.job("j\(k)", state: k % 2 == 0 ? "queued" : "running"), event: nil) }
            let seq = try await ledger.update(id: "a", state: "running", document: Data("{}".utf8), event: ("progress", Data("2".utf8)))
            #expect(seq == 2)
            #expect(try await ledger.update(id: "a", state: "running", document: Data("{\"x\":1}".utf8), event: nil) == nil)
            #expect(try await ledger.job(id: "a")?.document == Data("{\"x\":1}".utf8))
            #expect(try await ledger.appendEvent(jobId: "a", kind: "state", data: Data("3".utf8)) == 3)
            #expect(try await ledger.events(jobId: "a", after: 1, limit: 10).map(\.sequence) == [2, 3])
            #expect(try await ledger.events(jobId: "a", after: 0, limit: 10).map(\.kind) == ["state", "progress", "state"])
            #expect(try await ledger.events(jobId: "a", after: 0, limit: 2).map(\.data) == [Data("1".utf8), Data("2".utf8)])
            #expect(try await ledger.jobs(states: nil, beforeId: nil, limit: 3).map(\.id) == ["j4", "j3", "j2"])
            #expect(try await ledger.jobs(states: nil, beforeId: "j2", limit: 3).map(\.id) == ["j1", "j0", "a"])
            #expect(try await ledger.jobs(states: ["running"], beforeId: nil, limit: 10).map(\.id) == ["j3", "j1", "a"])
            #expect(try await ledger.jobs(states: [], beforeId: nil, limit: 10).isEmpty)
            await #expect(throws: BankError.self) { try await ledger.update(id: "nope", state: "x", document: Data(), event: nil) }
            await #expect(throws: BankError.self) { try await ledger.appendEvent(jobId: "nope", kind: "x", data: Data()) }
            await #expect(throws: BankError.invalidCursor("no job with id zz")) { try await ledger.jobs(states: nil, beforeId: "zz", limit: 1) }
            await #expect(throws: BankError.self) { try await ledger.jobs(states: nil, beforeId: nil, limit: 0) }
            try await ledger.checkpoint()
        }
    }

    @Test(arguments: LedgerDriver.allCases)
    func writersOnSeveralHandlesNeverShareASequenceNumber(_ driver: LedgerDriver) async throws {
        try await driver.withLedger { ledger, another in
            _ = try await ledger.insert(Self.job("shared"), event: nil)
            let handles: [any JobLedger] = [ledger, try await another(), try await another()]
            let numbers = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for (h, handle) in handles.enumerated() {
                    group.addTask {
                        var mine: [Int64] = []
                        for k in 0..<20 { mine.append(try await handle.appendEvent(jobId: "shared", kind: "e", data: Data("\(h)-\(k)".utf8))) }
                        return mine
                    }
                }
                var all: [Int64] = []
                for try await batch in group { all += batch }
                return all
            }
            #expect(numbers.sorted() == Array(1...60))
            #expect(try await ledger.events(jobId: "shared", after: 0, limit: 100).count == 60)
            // The same idempotency key from three handles at once: one job.
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for (h, handle) in handles.enumerated() {
                    group.addTask { try await handle.insert(Self.job("dup-\(h)", key: "same"), event: ("state", Data())).inserted }
                }
                var all: [Bool] = []
                for try await o in group { all.append(o) }
                return all
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await ledger.jobs(states: ["queued"], beforeId: nil, limit: 100).filter { $0.id.hasPrefix("dup-") }.count == 1)
        }
    }
}
