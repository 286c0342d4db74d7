import Foundation
import Logging
import Testing
import XPasteBank
import XPastePostgres
import XPasteTestSupport

/// What only the PostgreSQL bank has: its schema in a shared database, and a server to lose.
@Suite(.serialized) struct PostgresBankTests {
    /// A fresh database, its URL and name.
    func database() throws -> (url: String, name: String, cluster: PostgresTestCluster) {
        let cluster = try PostgresTestCluster.shared.get()
        let url = try cluster.makeDatabase(prefix: "pgbank")
        return (url, String(url.split(separator: "/").last!.split(separator: "?").first!), cluster)
    }

    func open(_ url: String) throws -> (PostgresBank, Task<Void, any Error>) {
        let bank = PostgresBank(location: try PostgresLocation(url: url), logger: BankDriver.logger)
        return (bank, Task { try await bank.run() })
    }

    @Test func migratingAgainChangesNothingAndStampsTheVersion() async throws {
        let db = try database()
        let (bank, task) = try open(db.url)
        defer { task.cancel() }
        try await bank.migrate()
        try await bank.upsertCategories(BankSamples.categories)
        // Several processes starting at once: each migrates, none fails, nothing is lost.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    let (other, task) = try open(db.url)
                    defer { task.cancel() }
                    try await other.migrate()
                }
            }
            try await group.waitForAll()
        }
        #expect(try await bank.stats().schemaVersion == PostgresBank.schemaVersion)
        #expect(try await bank.categories().count == 3)
        #expect(try db.cluster.psql("SELECT value FROM bank_meta WHERE key = 'application'", database: db.name)
            .trimmingCharacters(in: .whitespacesAndNewlines) == "xpaste-bank")
    }

    @Test func anotherProgramsTablesAreRefusedUntouched() async throws {
        let db = try database()
        _ = try db.cluster.psql("CREATE TABLE category (id int, label text); INSERT INTO category VALUES (7, 'theirs')", database: db.name)
        let (bank, task) = try open(db.url)
        defer { task.cancel() }
        await #expect { try await bank.migrate() } throws: { ($0 as? BankError)?.code == "bank.not_a_bank" }
        #expect(try db.cluster.psql("SELECT label FROM category", database: db.name).trimmingCharacters(in: .whitespacesAndNewlines) == "theirs")
        #expect(try db.cluster.psql("SELECT count(*) FROM information_schema.tables WHERE table_name = 'instance'", database: db.name)
            .trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func aBankFromANewerXpasteIsRefused() async throws {
        let db = try database()
        let (bank, task) = try open(db.url)
        defer { task.cancel() }
        try await bank.migrate()
        _ = try db.cluster.psql("UPDATE bank_meta SET value = '\(PostgresBank.schemaVersion + 1)' WHERE key = 'schema_version'", database: db.name)
        let (again, task2) = try open(db.url)
        defer { task2.cancel() }
        await #expect { try await again.migrate() } throws: { ($0 as? BankError)?.code == "bank.newer_version" }
    }

    @Test func aServerThatIsNotThereIsUnavailable() async throws {
        let (bank, task) = try open("postgres://xpaste@127.0.0.1:1/none?sslmode=disable")
        defer { task.cancel() }
        let start = ContinuousClock.now
        await #expect { try await bank.migrate(timeout: .seconds(1)) } throws: { ($0 as? BankError)?.code == "bank.unavailable" }
        #expect(ContinuousClock.now - start < .seconds(30))
    }
}
