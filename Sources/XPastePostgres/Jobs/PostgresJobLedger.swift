import Foundation
import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import XPasteBank

/// The job ledger in PostgreSQL, beside the bank and the queue: jobs and their event histories,
/// shared by the server and anything else that reads jobs. A state change and its event commit in
/// one transaction; an event's sequence number is the next of its job's, taken under the job
/// row's lock, so appends from several processes never collide.
///
/// A `Service`: run it (it runs the connection pool), then call `migrate()`, before using it.
public final class PostgresJobLedger: JobLedger, Service {
    /// Where the database is.
    public let location: PostgresLocation
    /// Where the ledger logs.
    public let logger: Logger
    /// The connection pool.
    public let client: PostgresClient
    private let gate = PostgresPoolGate()

    /// An arbitrary but fixed key for the schema's advisory lock ("XPJL").
    static let migrationLock: Int64 = 0x5850_4A4C

    static let schema = [
        """
        CREATE TABLE IF NOT EXISTS jobs (
            seq BIGSERIAL PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            idempotency_key TEXT UNIQUE,
            state TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            document BYTEA NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state, seq)",
        """
        CREATE TABLE IF NOT EXISTS job_events (
            job_id TEXT NOT NULL,
            sequence BIGINT NOT NULL,
            kind TEXT NOT NULL,
            data BYTEA NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (job_id, sequence)
        )
        """,
    ]

    /// A ledger on the database at `location`; nothing connects until `run()` starts.
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

    /// Creates the tables when missing (under an advisory lock), retrying while the server starts,
    /// up to `timeout`.
    public func migrate(timeout: Duration = .seconds(30)) async throws(BankError) {
        try await gate.migrate("ledger", location: location, timeout: timeout, logger: logger) { () async throws(BankError) in
            try await self.transaction { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: self.logger)
                for statement in Self.schema {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                }
            }
        }
    }

    // MARK: JobLedger

    public func insert(_ job: LedgerJob, event: (kind: String, data: Data)?) async throws(BankError) -> (job: LedgerJob, inserted: Bool) {
        let logger = logger
        return try await transaction { connection in
            let created = job.createdAt.timeIntervalSince1970, updated = job.updatedAt.timeIntervalSince1970
            let document = ByteBuffer(bytes: job.document)
            // A concurrent submission with the same key: the first one wins, the other reads it.
            let rows = try await connection.query("""
                INSERT INTO jobs (id, idempotency_key, state, created_at, updated_at, document)
                VALUES (\(job.id), \(job.idempotencyKey), \(job.state), \(created), \(updated), \(document))
                ON CONFLICT (idempotency_key) DO NOTHING RETURNING seq
                """, logger: logger).collect()
            if rows.isEmpty, let key = job.idempotencyKey {
                let existing = try await connection.query("\(unescaped: Self.columns) WHERE idempotency_key = \(key)", logger: logger).collect()
                guard let row = existing.first else { throw BankError.database("job with idempotency key \(key) vanished") }
                return (try Self.job(row), false)
            }
            if let event { _ = try await Self.append(connection, jobId: job.id, kind: event.kind, data: event.data, logger: logger) }
            return (job, true)
        }
    }

    @discardableResult
    public func update(id: String, state: String, document: Data, event: (kind: String, data: Data)?) async throws(BankError) -> Int64? {
        let logger = logger
        return try await transaction { connection in
            let now = Date().timeIntervalSince1970, bytes = ByteBuffer(bytes: document)
            let changed = try await connection.query(
                "UPDATE jobs SET state = \(state), document = \(bytes), updated_at = \(now) WHERE id = \(id) RETURNING seq",
                logger: logger).collect()
            guard changed.count == 1 else { throw BankError.invalidArgument("no job with id \(id)") }
            guard let event else { return nil }
            return try await Self.append(connection, jobId: id, kind: event.kind, data: event.data, logger: logger)
        }
    }

    @discardableResult
    public func appendEvent(jobId: String, kind: String, data: Data) async throws(BankError) -> Int64 {
        let logger = logger
        return try await transaction { connection in
            try await Self.append(connection, jobId: jobId, kind: kind, data: data, logger: logger)
        }
    }

    public func job(id: String) async throws(BankError) -> LedgerJob? {
        try await one("\(unescaped: Self.columns) WHERE id = \(id)")
    }

    public func job(idempotencyKey: String) async throws(BankError) -> LedgerJob? {
        try await one("\(unescaped: Self.columns) WHERE idempotency_key = \(idempotencyKey)")
    }

    public func jobs(states: [String]?, beforeId: String?, limit: Int) async throws(BankError) -> [LedgerJob] {
        guard (1...1000).contains(limit) else { throw .invalidArgument("limit must be in 1…1000, got \(limit)") }
        if let states, states.isEmpty { return [] }
        var bound: Int64 = .max
        if let beforeId {
            guard let row = try await rows("SELECT seq FROM jobs WHERE id = \(beforeId)").first else {
                throw BankError.invalidCursor("no job with id \(beforeId)")
            }
            bound = try PostgresBankRows.decode(row, Int64.self)
        }
        let limit64 = Int64(limit)
        let query: PostgresQuery = if let states {
            "\(unescaped: Self.columns) WHERE seq < \(bound) AND state = ANY(\(states)) ORDER BY seq DESC LIMIT \(limit64)"
        } else {
            "\(unescaped: Self.columns) WHERE seq < \(bound) ORDER BY seq DESC LIMIT \(limit64)"
        }
        var out: [LedgerJob] = []
        for row in try await rows(query) { out.append(try Self.job(row)) }
        return out
    }

    public func events(jobId: String, after: Int64, limit: Int) async throws(BankError) -> [LedgerEvent] {
        guard limit >= 1 else { throw .invalidArgument("limit must be positive") }
        let limit64 = Int64(limit)
        var out: [LedgerEvent] = []
        for row in try await rows("""
            SELECT job_id, sequence, kind, data, created_at FROM job_events
            WHERE job_id = \(jobId) AND sequence > \(after) ORDER BY sequence LIMIT \(limit64)
            """) {
            let (job, sequence, kind, data, created) = try PostgresBankRows.decode(row, (String, Int64, String, Data, Double).self)
            out.append(LedgerEvent(jobId: job, sequence: sequence, kind: kind, data: data, createdAt: Date(timeIntervalSince1970: created)))
        }
        return out
    }

    /// Nothing to do: PostgreSQL checkpoints its own log.
    public func checkpoint() async throws(BankError) {}

    // MARK: Internals

    static let columns = "SELECT id, idempotency_key, state, created_at, updated_at, document FROM jobs"

    static func job(_ row: PostgresRow) throws(BankError) -> LedgerJob {
        let (id, key, state, created, updated, document) = try PostgresBankRows.decode(row, (String, String?, String, Double, Double, Data).self)
        return LedgerJob(
            id: id, idempotencyKey: key, state: state, createdAt: Date(timeIntervalSince1970: created),
            updatedAt: Date(timeIntervalSince1970: updated), document: document)
    }

    /// Appends under the job row's lock, so two writers never take the same sequence number.
    static func append(_ connection: PostgresConnection, jobId: String, kind: String, data: Data, logger: Logger) async throws -> Int64 {
        let locked = try await connection.query("SELECT seq FROM jobs WHERE id = \(jobId) FOR UPDATE", logger: logger).collect()
        guard !locked.isEmpty else { throw BankError.invalidArgument("no job with id \(jobId)") }
        let now = Date().timeIntervalSince1970, bytes = ByteBuffer(bytes: data)
        let rows = try await connection.query("""
            INSERT INTO job_events (job_id, sequence, kind, data, created_at)
            SELECT \(jobId), coalesce(max(sequence), 0) + 1, \(kind), \(bytes), \(now) FROM job_events WHERE job_id = \(jobId)
            RETURNING sequence
            """, logger: logger).collect()
        guard let row = rows.first else { throw BankError.database("appending an event to job \(jobId) returned nothing") }
        return try PostgresBankRows.decode(row, Int64.self)
    }

    private func one(_ query: PostgresQuery) async throws(BankError) -> LedgerJob? {
        guard let row = try await rows(query).first else { return nil }
        return try Self.job(row)
    }

    private func rows(_ query: PostgresQuery) async throws(BankError) -> [PostgresRow] {
        let logger = logger
        do {
            return try await client.query(query, logger: logger).collect()
        } catch {
            throw PostgresBankErrors.map(error)
        }
    }

    private func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(BankError) -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch {
            throw PostgresBankErrors.map(error)
        }
    }
}
