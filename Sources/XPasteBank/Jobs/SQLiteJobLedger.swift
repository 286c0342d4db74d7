import Foundation
import GRDB
import Logging

/// The job ledger in its own SQLite file (WAL, through a GRDB `DatabasePool`), next to the bank.
/// Jobs are small documents written a few times a second at most; a file of their own keeps the
/// bank's schema and its migrations about the bank alone.
public final class SQLiteJobLedger: JobLedger {
    /// The ledger file.
    public let url: URL
    /// Where the ledger logs.
    public let logger: Logger
    private let pool: DatabasePool

    /// `PRAGMA application_id` of a job ledger ("XPJL"), so a bank or a foreign database given by
    /// mistake is refused instead of written into.
    static let applicationId: Int32 = 0x5850_4A4C

    /// Opens the ledger at `url`, creating it (and its folder) when missing.
    public init(url: URL, logger: Logger) throws(BankError) {
        self.url = url
        self.logger = logger
        do {
            pool = try SQLiteFile.openPool(url, label: "xpaste-jobs", busySeconds: 10)
        } catch let error as SQLiteFile.FolderError {
            throw .io(error.message)
        } catch {
            throw BankErrorMapping.map(error).naming(url.path)
        }
        do {
            try pool.write { db in
                guard try SQLiteFile.claim(db, applicationId: Self.applicationId) else {
                    throw BankError.notABank("\(url.path) is an SQLite database but not an xpaste job ledger")
                }
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS jobs (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        idempotency_key TEXT UNIQUE,
                        state TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        document BLOB NOT NULL
                    );
                    CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state, seq);
                    CREATE TABLE IF NOT EXISTS job_events (
                        job_id TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        data BLOB NOT NULL,
                        created_at REAL NOT NULL,
                        PRIMARY KEY (job_id, sequence)
                    ) WITHOUT ROWID;
                    """)
            }
        } catch {
            try? pool.close()
            throw BankErrorMapping.map(error).naming(url.path)
        }
    }

    public func insert(_ job: LedgerJob, event: (kind: String, data: Data)?) throws(BankError) -> (job: LedgerJob, inserted: Bool) {
        try run { db in
            if let key = job.idempotencyKey,
               let row = try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE idempotency_key = ?", arguments: [key]) {
                return (Self.job(row), false)
            }
            try db.execute(
                sql: "INSERT INTO jobs (id, idempotency_key, state, created_at, updated_at, document) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [job.id, job.idempotencyKey, job.state, job.createdAt.timeIntervalSince1970,
                            job.updatedAt.timeIntervalSince1970, job.document])
            if let event { _ = try Self.append(db, jobId: job.id, kind: event.kind, data: event.data) }
            return (job, true)
        }
    }

    @discardableResult
    public func update(id: String, state: String, document: Data, event: (kind: String, data: Data)?) throws(BankError) -> Int64? {
        try run { db in
            try db.execute(
                sql: "UPDATE jobs SET state = ?, document = ?, updated_at = ? WHERE id = ?",
                arguments: [state, document, Date().timeIntervalSince1970, id])
            guard db.changesCount == 1 else { throw BankError.invalidArgument("no job with id \(id)") }
            guard let event else { return nil }
            return try Self.append(db, jobId: id, kind: event.kind, data: event.data)
        }
    }

    @discardableResult
    public func appendEvent(jobId: String, kind: String, data: Data) throws(BankError) -> Int64 {
        try run { db in try Self.append(db, jobId: jobId, kind: kind, data: data) }
    }

    public func job(id: String) throws(BankError) -> LedgerJob? {
        try BankErrorMapping.run {
            try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(Self.job) }
        }
    }

    public func job(idempotencyKey: String) throws(BankError) -> LedgerJob? {
        try BankErrorMapping.run {
            try pool.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE idempotency_key = ?", arguments: [idempotencyKey]).map(Self.job)
            }
        }
    }

    public func jobs(states: [String]?, beforeId: String?, limit: Int) throws(BankError) -> [LedgerJob] {
        guard (1...1000).contains(limit) else { throw .invalidArgument("limit must be in 1…1000, got \(limit)") }
        return try BankErrorMapping.run {
            try pool.read { db in
                var clauses: [String] = []
                var arguments: StatementArguments = []
                if let beforeId {
                    guard let seq = try Int64.fetchOne(db, sql: "SELECT seq FROM jobs WHERE id = ?", arguments: [beforeId]) else {
                        throw BankError.invalidCursor("no job with id \(beforeId)")
                    }
                    clauses.append("seq < ?")
                    _ = arguments.append(contentsOf: [seq])
                }
                if let states {
                    guard !states.isEmpty else { return [] }
                    clauses.append("state IN (\(states.map { _ in "?" }.joined(separator: ",")))")
                    _ = arguments.append(contentsOf: StatementArguments(states))
                }
                let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
                _ = arguments.append(contentsOf: [limit])
                return try Row.fetchAll(db, sql: "SELECT * FROM jobs \(whereClause) ORDER BY seq DESC LIMIT ?", arguments: arguments)
                    .map(Self.job)
            }
        }
    }

    public func events(jobId: String, after: Int64, limit: Int) throws(BankError) -> [LedgerEvent] {
        guard limit >= 1 else { throw .invalidArgument("limit must be positive") }
        return try BankErrorMapping.run {
            try pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM job_events WHERE job_id = ? AND sequence > ? ORDER BY sequence LIMIT ?",
                    arguments: [jobId, after, limit]
                ).map { row in
                    LedgerEvent(
                        jobId: row["job_id"], sequence: row["sequence"], kind: row["kind"], data: row["data"],
                        createdAt: Date(timeIntervalSince1970: row["created_at"]))
                }
            }
        }
    }

    public func checkpoint() throws(BankError) {
        try BankErrorMapping.run { try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) } }
    }

    /// Checkpoints and closes every connection; later calls fail.
    public func close() throws(BankError) {
        try BankErrorMapping.run {
            try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
            try pool.close()
        }
    }

    private func run<T>(_ body: (Database) throws -> T) throws(BankError) -> T {
        try BankErrorMapping.run { try pool.write(body) }
    }

    private static func append(_ db: Database, jobId: String, kind: String, data: Data) throws -> Int64 {
        // An event of no job is a caller's mistake: refused here as the PostgreSQL ledger refuses it.
        guard try Int64.fetchOne(db, sql: "SELECT seq FROM jobs WHERE id = ?", arguments: [jobId]) != nil else {
            throw BankError.invalidArgument("no job with id \(jobId)")
        }
        let next = (try Int64.fetchOne(db, sql: "SELECT max(sequence) FROM job_events WHERE job_id = ?", arguments: [jobId]) ?? 0) + 1
        try db.execute(
            sql: "INSERT INTO job_events (job_id, sequence, kind, data, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [jobId, next, kind, data, Date().timeIntervalSince1970])
        return next
    }

    private static func job(_ row: Row) -> LedgerJob {
        LedgerJob(
            id: row["id"], idempotencyKey: row["idempotency_key"], state: row["state"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), updatedAt: Date(timeIntervalSince1970: row["updated_at"]),
            document: row["document"])
    }
}

extension BankError {
    /// The same error with the file it concerns named, when the message does not name it yet.
    func naming(_ path: String) -> BankError {
        switch self {
        case .io(let m) where !m.contains(path): .io("\(path): \(m)")
        case .database(let m) where !m.contains(path): .database("\(path): \(m)")
        case .notSQLite(let m) where !m.contains(path): .notSQLite("\(path): \(m)")
        case .corrupt(let m) where !m.contains(path): .corrupt("\(path): \(m)")
        default: self
        }
    }
}
