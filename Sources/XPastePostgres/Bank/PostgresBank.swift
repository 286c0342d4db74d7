import Foundation
import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import XPasteBank

/// The instance bank in PostgreSQL, shared by a server and workers on many hosts. Blobs (cutouts,
/// thumbnails, kept source images) live in the database, content-addressed and written in the
/// same transaction as the rows that use them, exactly as in the SQLite bank.
///
/// Concurrent writers on many hosts: inserts of the same bytes or the same source meet on unique
/// constraints (`ON CONFLICT DO NOTHING`, then the row that won is read), and new user categories
/// take an advisory lock, so two transactions never make the same category twice.
///
/// A `Service`: run it (it runs the connection pool) in the process's `ServiceGroup`, then call
/// `migrate()`, before using it.
public final class PostgresBank: InstanceBank, Service {
    /// Where the database is.
    public let location: PostgresLocation
    /// Where the bank logs.
    public let logger: Logger
    /// The connection pool.
    public let client: PostgresClient
    private let gate = PostgresPoolGate()

    /// Schema version this build reads and writes.
    public static var schemaVersion: Int { PostgresBankSchema.currentVersion }

    /// A bank on the database at `location`; nothing connects until `run()` starts.
    public init(location: PostgresLocation, logger: Logger) {
        self.location = location
        self.logger = logger
        client = PostgresClient(configuration: location.configuration, backgroundLogger: logger)
    }

    /// Runs the connection pool until cancelled.
    public func run() async throws {
        gate.markRunning()
        await client.run()
    }

    /// Creates or upgrades the bank's tables (under an advisory lock, so processes starting
    /// together do not race), retrying while the server starts, up to `timeout`. Refuses a
    /// database whose tables are another program's (`.notABank`) and a bank written by a newer
    /// xpaste (`.newerVersion`).
    public func migrate(timeout: Duration = .seconds(30)) async throws(BankError) {
        try await gate.migrate("bank", location: location, timeout: timeout, logger: logger) { () async throws(BankError) in
            try await self.transaction { connection in try await self.migrate(on: connection) }
        }
    }

    private func migrate(on connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresBankSchema.migrationLock))", logger: logger)
        try await connection.query("CREATE TABLE IF NOT EXISTS bank_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)", logger: logger)
        var meta: [String: String] = [:]
        for try await (key, value) in try await connection.query("SELECT key, value FROM bank_meta", logger: logger).decode((String, String).self) {
            meta[key] = value
        }
        let known = PostgresBankSchema.currentVersion
        var version = 0
        if let application = meta["application"] {
            guard application == PostgresBankSchema.application else {
                throw BankError.notABank("\(location) holds bank_meta of \"\(application)\"")
            }
            version = Int(meta["schema_version"] ?? "") ?? 0
        } else {
            let names = PostgresBankSchema.tables
            let rows = try await connection.query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ANY(\(names))",
                logger: logger)
            var clash: [String] = []
            for try await name in rows.decode(String.self) { clash.append(name) }
            guard clash.isEmpty else {
                throw BankError.notABank("\(location) already has tables \(clash.sorted().joined(separator: ", ")) that are not an xpaste bank's")
            }
        }
        guard version <= known else {
            throw BankError.newerVersion("\(location) has bank schema version \(version); this xpaste knows versions up to \(known)")
        }
        guard version < known else { return }
        logger.info("migrating bank", metadata: ["database": "\(location)", "from": "\(version)", "to": "\(known)"])
        for migration in PostgresBankSchema.migrations[version...] {
            for statement in migration {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
        let application = PostgresBankSchema.application, schema = String(known)
        try await connection.query("""
            INSERT INTO bank_meta (key, value) VALUES ('application', \(application)), ('schema_version', \(schema))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, logger: logger)
    }

    // MARK: Writing

    /// Runs `body` in one transaction on one pooled connection. The body runs on a thread off the
    /// cooperative pool, and each of its statements waits there for its round trip.
    public func write<T: Sendable>(_ body: @escaping @Sendable (any BankWriter) throws -> T) async throws -> T {
        let logger = logger
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await BlockingWork.run { () throws -> T in
                    try body(PostgresBankWriter(connection: connection, logger: logger))
                }
            }
        } catch {
            throw PostgresBankErrors.fromTransaction(error)
        }
    }

    // MARK: Internals

    /// Runs `body` on a pooled connection, mapping errors.
    func query<T: Sendable>(_ body: (PostgresClient) async throws -> T) async throws(BankError) -> T {
        do {
            return try await body(client)
        } catch {
            throw PostgresBankErrors.map(error)
        }
    }

    /// Runs `body` in a transaction (a consistent view for reads of several statements).
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(BankError) -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch {
            throw PostgresBankErrors.map(error)
        }
    }

    /// All rows of `query`.
    func rows(_ query: PostgresQuery) async throws(BankError) -> [PostgresRow] {
        let logger = logger
        return try await self.query { client in try await client.query(query, logger: logger).collect() }
    }
}
