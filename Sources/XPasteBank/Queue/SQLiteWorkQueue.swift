import Foundation
import GRDB
import Logging

/// The work queue in an SQLite file (WAL, through a GRDB `DatabasePool`): for the worker processes
/// of one host sharing a data folder. Every operation is one write transaction, so claims from
/// several processes serialise on SQLite's write lock and never hand an item out twice. Time
/// stamps are this host's clock, which is every worker's clock here.
public final class SQLiteWorkQueue: WorkQueue {
    /// The queue file.
    public let url: URL
    /// Where the queue logs.
    public let logger: Logger
    private let pool: DatabasePool
    private let wake = WakeSignal()

    /// `PRAGMA application_id` of a work queue ("XPWQ"), so another database is refused.
    static let applicationId: Int32 = 0x5850_5751

    /// How often an idle worker looks again: other processes' enqueues cannot notify this one.
    public static let pollInterval: Duration = .milliseconds(200)

    /// Opens the queue at `url`, creating it (and its folder) when missing.
    public init(url: URL, logger: Logger) throws(WorkQueueError) {
        self.url = url
        self.logger = logger
        do {
            pool = try SQLiteFile.openPool(url, label: "xpaste-queue", busySeconds: 30)
        } catch let error as SQLiteFile.FolderError {
            throw .io(error.message)
        } catch {
            throw Self.map(error, path: url.path)
        }
        do {
            try pool.write { db in
                guard try SQLiteFile.claim(db, applicationId: Self.applicationId) else {
                    throw WorkQueueError.notAQueue("\(url.path) is an SQLite database but not an xpaste work queue")
                }
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS work_items (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        job_id TEXT NOT NULL,
                        stage TEXT NOT NULL,
                        payload BLOB NOT NULL,
                        state TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        max_attempts INTEGER NOT NULL,
                        available_at REAL NOT NULL,
                        worker TEXT,
                        lease_expires_at REAL,
                        error TEXT,
                        result BLOB,
                        created_at REAL NOT NULL,
                        finished_at REAL
                    );
                    CREATE INDEX IF NOT EXISTS work_items_queued ON work_items(stage, seq) WHERE state = 'queued';
                    CREATE INDEX IF NOT EXISTS work_items_leased ON work_items(lease_expires_at) WHERE state = 'leased';
                    CREATE INDEX IF NOT EXISTS work_items_job ON work_items(job_id, id);
                    CREATE TABLE IF NOT EXISTS work_completions (
                        item_id TEXT NOT NULL,
                        job_id TEXT NOT NULL,
                        worker TEXT NOT NULL,
                        attempt INTEGER NOT NULL,
                        finished_at REAL NOT NULL
                    );
                    CREATE INDEX IF NOT EXISTS work_completions_job ON work_completions(job_id, item_id);
                    CREATE TABLE IF NOT EXISTS workers (
                        id TEXT PRIMARY KEY,
                        last_seen REAL NOT NULL,
                        report BLOB NOT NULL
                    ) WITHOUT ROWID;
                    """)
            }
        } catch {
            try? pool.close()
            throw Self.map(error, path: url.path)
        }
    }

    /// Closes every connection; later calls fail.
    public func close() {
        try? pool.close()
    }

    public func enqueue(_ items: [NewWorkItem]) async throws(WorkQueueError) -> Int {
        for item in items { try WorkQueueRules.check(item) }
        guard !items.isEmpty else { return 0 }
        let added = try await write { db in
            let now = Date().timeIntervalSince1970
            let statement = try db.cachedStatement(sql: """
                INSERT INTO work_items (id, job_id, stage, payload, state, max_attempts, available_at, created_at)
                VALUES (?, ?, ?, ?, 'queued', ?, ?, ?) ON CONFLICT(id) DO NOTHING
                """)
            var added = 0
            for item in items {
                try statement.execute(arguments: [item.id, item.jobId, item.stage, item.payload, item.maxAttempts, now, now])
                added += db.changesCount
            }
            return added
        }
        if added > 0 { wake.signal() }
        return added
    }

    public func claim(stages: [String], worker: String, limit: Int, lease: Duration) async throws(WorkQueueError) -> [WorkItem] {
        try WorkQueueRules.checkClaim(stages: stages, worker: worker, limit: limit, lease: lease)
        return try await write { db in
            let now = Date().timeIntervalSince1970
            try Self.reapExpired(db, now: now)
            let marks = stages.map { _ in "?" }.joined(separator: ",")
            var arguments = StatementArguments(stages)
            _ = arguments.append(contentsOf: [now, limit])
            let seqs = try Int64.fetchAll(db, sql: """
                SELECT seq FROM work_items WHERE state = 'queued' AND stage IN (\(marks)) AND available_at <= ?
                ORDER BY seq LIMIT ?
                """, arguments: arguments)
            guard !seqs.isEmpty else { return [] }
            let list = seqs.map(String.init).joined(separator: ",")
            try db.execute(
                sql: """
                    UPDATE work_items SET state = 'leased', worker = ?, lease_expires_at = ?, attempts = attempts + 1
                    WHERE seq IN (\(list))
                    """,
                arguments: [worker, now + lease.seconds])
            return try Row.fetchAll(
                db, sql: "SELECT id, job_id, stage, payload, attempts, max_attempts FROM work_items WHERE seq IN (\(list)) ORDER BY seq"
            ).map { row in
                WorkItem(
                    id: row["id"], jobId: row["job_id"], stage: row["stage"], payload: row["payload"],
                    attempt: row["attempts"], maxAttempts: row["max_attempts"])
            }
        }
    }

    public func heartbeat(_ leases: [WorkLease], worker: String, lease: Duration) async throws(WorkQueueError) -> Set<String> {
        guard !leases.isEmpty else { return [] }
        try WorkQueueRules.checkLease(lease)
        return try await write { db in
            let expires = Date().timeIntervalSince1970 + lease.seconds
            let statement = try db.cachedStatement(sql: """
                UPDATE work_items SET lease_expires_at = ?
                WHERE id = ? AND state = 'leased' AND worker = ? AND attempts = ?
                """)
            var held: Set<String> = []
            for lease in leases {
                try statement.execute(arguments: [expires, lease.itemId, worker, lease.attempt])
                if db.changesCount == 1 { held.insert(lease.itemId) }
            }
            return held
        }
    }

    public func complete(_ results: [WorkResult], worker: String) async throws(WorkQueueError) -> Set<String> {
        guard !results.isEmpty else { return [] }
        return try await write { db in
            let now = Date().timeIntervalSince1970
            let mark = try db.cachedStatement(sql: """
                UPDATE work_items SET state = 'done', result = ?, error = NULL, lease_expires_at = NULL, finished_at = ?
                WHERE id = ? AND state = 'leased' AND worker = ? AND attempts = ?
                """)
            let record = try db.cachedStatement(sql: """
                INSERT INTO work_completions (item_id, job_id, worker, attempt, finished_at)
                SELECT id, job_id, ?, ?, ? FROM work_items WHERE id = ?
                """)
            var marked: Set<String> = []
            for item in results {
                let result = item.result.flatMap { $0.isEmpty ? nil : $0 }
                try mark.execute(arguments: [result, now, item.lease.itemId, worker, item.lease.attempt])
                guard db.changesCount == 1 else { continue }
                try record.execute(arguments: [worker, item.lease.attempt, now, item.lease.itemId])
                marked.insert(item.lease.itemId)
            }
            return marked
        }
    }

    public func fail(_ lease: WorkLease, worker: String, error: String, retry: Bool, backoff: Duration) async throws(WorkQueueError) -> Bool {
        let requeued: Bool? = try await write { db in
            let now = Date().timeIntervalSince1970
            guard let row = try Row.fetchOne(
                db, sql: "SELECT attempts, max_attempts FROM work_items WHERE id = ? AND state = 'leased' AND worker = ? AND attempts = ?",
                arguments: [lease.itemId, worker, lease.attempt])
            else { return nil }
            let again = retry && (row["attempts"] as Int) < (row["max_attempts"] as Int)
            try db.execute(
                sql: """
                    UPDATE work_items SET state = ?, error = ?, lease_expires_at = NULL, available_at = ?,
                        finished_at = CASE WHEN ? THEN NULL ELSE ? END
                    WHERE id = ?
                    """,
                arguments: [again ? "queued" : "failed", error, now + (again ? backoff.seconds : 0), again, now, lease.itemId])
            return again
        }
        guard let requeued else { return false }
        if requeued { wake.signal() }
        return true
    }

    public func release(_ leases: [WorkLease], worker: String) async throws(WorkQueueError) {
        guard !leases.isEmpty else { return }
        try await write { db in
            let statement = try db.cachedStatement(sql: """
                UPDATE work_items SET state = 'queued', worker = NULL, lease_expires_at = NULL, attempts = attempts - 1
                WHERE id = ? AND state = 'leased' AND worker = ? AND attempts = ?
                """)
            for lease in leases { try statement.execute(arguments: [lease.itemId, worker, lease.attempt]) }
        }
        wake.signal()
    }

    public func counts(jobId: String?) async throws(WorkQueueError) -> WorkCounts {
        try await read { db in
            let rows: [Row]
            if let jobId {
                rows = try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM work_items WHERE job_id = ? GROUP BY state", arguments: [jobId])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT state, count(*) AS n FROM work_items GROUP BY state")
            }
            var counts = WorkCounts()
            for row in rows {
                if let state = WorkItemState(rawValue: row["state"]) { counts.add(state, row["n"]) }
            }
            return counts
        }
    }

    public func items(jobId: String, state: WorkItemState?, afterId: String?, limit: Int) async throws(WorkQueueError) -> [WorkItemRecord] {
        guard (1...1000).contains(limit) else { throw .invalidArgument("limit must be in 1…1000, got \(limit)") }
        return try await read { db in
            var sql = "SELECT * FROM work_items WHERE job_id = ? AND id > ?"
            var arguments: StatementArguments = [jobId, afterId ?? ""]
            if let state {
                sql += " AND state = ?"
                _ = arguments.append(contentsOf: [state.rawValue])
            }
            sql += " ORDER BY id LIMIT ?"
            _ = arguments.append(contentsOf: [limit])
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                WorkItemRecord(
                    id: row["id"], jobId: row["job_id"], stage: row["stage"],
                    state: WorkItemState(rawValue: row["state"]) ?? .failed, attempts: row["attempts"],
                    maxAttempts: row["max_attempts"], worker: row["worker"], error: row["error"], result: row["result"])
            }
        }
    }

    public func completionCounts(jobId: String) async throws(WorkQueueError) -> [String: Int] {
        try await read { db in
            var out: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT item_id, count(*) AS n FROM work_completions WHERE job_id = ? GROUP BY item_id", arguments: [jobId]) {
                out[row["item_id"]] = row["n"]
            }
            return out
        }
    }

    public func removeItems(jobId: String) async throws(WorkQueueError) -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM work_completions WHERE job_id = ?", arguments: [jobId])
            try db.execute(sql: "DELETE FROM work_items WHERE job_id = ?", arguments: [jobId])
            return db.changesCount
        }
    }

    public func report(_ worker: WorkerReport) async throws(WorkQueueError) {
        var stamped = worker
        stamped.lastSeen = Date()
        let document = try WorkQueueRules.encode(stamped)
        let (id, seen) = (stamped.id, stamped.lastSeen.timeIntervalSince1970)
        try await write { db in
            try db.execute(
                sql: "INSERT INTO workers (id, last_seen, report) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET last_seen = excluded.last_seen, report = excluded.report",
                arguments: [id, seen, document])
        }
    }

    public func pruneWorkers(notSeenFor age: Duration) async throws(WorkQueueError) -> Int {
        let cutoff = Date().timeIntervalSince1970 - age.seconds
        return try await write { db in
            try db.execute(sql: "DELETE FROM workers WHERE last_seen < ?", arguments: [cutoff])
            return db.changesCount
        }
    }

    public func workers(seenWithin within: Duration) async throws(WorkQueueError) -> [WorkerReport] {
        let rows = try await read { db in
            try Data.fetchAll(
                db, sql: "SELECT report FROM workers WHERE last_seen >= ? ORDER BY last_seen DESC",
                arguments: [Date().timeIntervalSince1970 - within.seconds])
        }
        return rows.compactMap { try? WorkQueueRules.decodeWorker($0) }
    }

    public func waitForWork(stages: [String], timeout: Duration) async {
        await wake.wait(timeout: min(timeout, Self.pollInterval))
    }

    // MARK: Internals

    /// Leases that ran out go back to the queue, or end failed when that was the last attempt.
    private static func reapExpired(_ db: Database, now: Double) throws {
        try db.execute(
            sql: """
                UPDATE work_items SET
                    state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
                    error = 'lease expired: worker ' || coalesce(worker, '?') || ' stopped reporting',
                    finished_at = CASE WHEN attempts >= max_attempts THEN ? ELSE NULL END,
                    lease_expires_at = NULL
                WHERE state = 'leased' AND lease_expires_at < ?
                """,
            arguments: [now, now])
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(WorkQueueError) -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw Self.map(error, path: url.path)
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(WorkQueueError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.map(error, path: url.path)
        }
    }

    private static func map(_ error: any Error, path: String) -> WorkQueueError {
        if let error = error as? WorkQueueError { return error }
        if let error = error as? DatabaseError {
            let message = "\(path): \(error.message ?? "\(error)")"
            switch error.resultCode.primaryResultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .unavailable(message)
            case .SQLITE_NOTADB: return .notAQueue(message)
            case .SQLITE_CANTOPEN, .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_READONLY, .SQLITE_PERM: return .io(message)
            default: return .database(message)
            }
        }
        return .database("\(path): \(error)")
    }
}
