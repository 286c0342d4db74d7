import Foundation
import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Synchronization
import XPasteBank

/// The work queue in PostgreSQL, for workers on many hosts. Claims take batches with
/// `FOR UPDATE SKIP LOCKED`, so concurrent workers never wait on each other's rows; leases and
/// every time stamp use the server's clock, so hosts need not agree on the time. Enqueues and
/// retries `NOTIFY` the `xpaste_work` channel, which one pooled connection per process `LISTEN`s
/// on to wake idle workers; it reconnects after the server restarts.
///
/// A `Service`: run it (it runs the connection pool and the listener) in the process's
/// `ServiceGroup` before using it.
public final class PostgresWorkQueue: WorkQueue, Service {
    /// Where the database is.
    public let location: PostgresLocation
    /// Where the queue logs.
    public let logger: Logger
    /// The connection pool.
    public let client: PostgresClient
    private let wake = WakeSignal()
    private let lastReap = Mutex<ContinuousClock.Instant?>(nil)
    private let running = Mutex(false)
    private let started = WakeSignal()

    /// The channel enqueues notify; the payload is the stage.
    public static let channel = "xpaste_work"
    /// How often one process looks for expired leases at most.
    static let reapInterval: Duration = .seconds(1)
    /// Rows one enqueue statement carries at most.
    static let enqueueChunk = 5000

    /// A queue on the database at `location`; nothing connects until `run()` starts.
    public init(location: PostgresLocation, logger: Logger) {
        self.location = location
        self.logger = logger
        client = PostgresClient(configuration: location.configuration, backgroundLogger: logger)
    }

    // MARK: Service

    /// Runs the pool and the listener until cancelled or a graceful shutdown.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask {
                // Nothing suspends between the flag and the call, so `migrate()` never asks the
                // pool for a connection before it runs (postgres-nio warns about that).
                self.running.withLock { $0 = true }
                self.started.signal()
                await self.client.run()
            }
            group.addTask {
                await cancelWhenGracefulShutdown { await self.listen() }
            }
        }
    }

    /// Creates the tables when missing (safe to run from many processes at once: it holds an
    /// advisory lock). Retries while the server is starting, up to `timeout`.
    public func migrate(timeout: Duration = .seconds(30)) async throws(WorkQueueError) {
        let deadline = ContinuousClock.now + timeout
        while !running.withLock({ $0 }) {
            guard ContinuousClock.now < deadline else { throw .unavailable("the connection pool is not running (run the queue as a service first)") }
            await started.wait(timeout: .milliseconds(50))
        }
        while true {
            do {
                // The pool waits about a minute on a server that refuses connections; the caller's
                // timeout is what counts.
                let remaining = max(deadline - ContinuousClock.now, .milliseconds(100))
                try await QueueCallDeadline.run("connecting to \(location)", limit: remaining) {
                    try await self.transaction { connection in
                        try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: self.logger)
                        for statement in PostgresQueueSchema.statements {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                        }
                    }
                }
                return
            } catch where error.isTransient && ContinuousClock.now < deadline {
                logger.info("waiting for PostgreSQL", metadata: ["database": "\(location)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }

    /// An arbitrary but fixed key for the schema's advisory lock ("XPWQ").
    static let migrationLock: Int64 = 0x5850_5751

    // MARK: WorkQueue

    public func enqueue(_ items: [NewWorkItem]) async throws(WorkQueueError) -> Int {
        for item in items { try WorkQueueRules.check(item) }
        guard !items.isEmpty else { return 0 }
        var added = 0
        var start = 0
        while start < items.count {
            let chunk = items[start..<min(items.count, start + Self.enqueueChunk)]
            start += Self.enqueueChunk
            let ids = chunk.map(\.id), jobs = chunk.map(\.jobId), stages = chunk.map(\.stage)
            let payloads = chunk.map { ByteBuffer(bytes: $0.payload) }
            let attempts = chunk.map { Int32($0.maxAttempts) }
            added += try await transaction { connection in
                // One statement inserts the chunk; the notify rides in the same transaction, so it
                // is delivered at commit, when the rows are visible.
                let rows = try await connection.query("""
                    WITH added AS (
                        INSERT INTO work_items (id, job_id, stage, payload, state, max_attempts)
                        SELECT i, j, s, p, 'queued', m FROM unnest(\(ids)::text[], \(jobs)::text[], \(stages)::text[], \(payloads)::bytea[], \(attempts)::int[]) AS t(i, j, s, p, m)
                        ON CONFLICT (id) DO NOTHING
                        RETURNING stage
                    )
                    SELECT stage, count(*)::bigint, pg_notify(\(Self.channel), stage)::text FROM added GROUP BY stage
                    """, logger: self.logger)
                var n = 0
                for try await (_, count, _) in rows.decode((String, Int64, String).self) { n += Int(count) }
                return n
            }
        }
        return added
    }

    public func claim(stages: [String], worker: String, limit: Int, lease: Duration) async throws(WorkQueueError) -> [WorkItem] {
        try WorkQueueRules.checkClaim(stages: stages, worker: worker, limit: limit, lease: lease)
        try await reapIfDue()
        let seconds = lease.seconds
        let claimed = try await query { client in
            let rows = try await client.query("""
                WITH picked AS (
                    SELECT seq FROM work_items
                    WHERE state = 'queued' AND stage = ANY(\(stages)::text[]) AND available_at <= now()
                    ORDER BY seq LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE work_items w SET state = 'leased', worker = \(worker), attempts = w.attempts + 1,
                    lease_expires_at = now() + make_interval(secs => \(seconds))
                FROM picked WHERE w.seq = picked.seq
                RETURNING w.seq, w.id, w.job_id, w.stage, w.payload, w.attempts, w.max_attempts
                """, logger: self.logger)
            var out: [(Int64, WorkItem)] = []
            for try await (seq, id, job, stage, payload, attempt, maxAttempts) in rows.decode((Int64, String, String, String, ByteBuffer, Int32, Int32).self) {
                out.append((seq, WorkItem(
                    id: id, jobId: job, stage: stage, payload: Data(buffer: payload), attempt: Int(attempt), maxAttempts: Int(maxAttempts))))
            }
            return out
        }
        return claimed.sorted { $0.0 < $1.0 }.map(\.1)
    }

    public func heartbeat(_ leases: [WorkLease], worker: String, lease: Duration) async throws(WorkQueueError) -> Set<String> {
        guard !leases.isEmpty else { return [] }
        try WorkQueueRules.checkLease(lease)
        let ids = leases.map(\.itemId), attempts = leases.map { Int32($0.attempt) }, seconds = lease.seconds
        return try await query { client in
            let rows = try await client.query("""
                UPDATE work_items w SET lease_expires_at = now() + make_interval(secs => \(seconds))
                FROM unnest(\(ids)::text[], \(attempts)::int[]) AS t(i, a)
                WHERE w.id = t.i AND w.attempts = t.a AND w.state = 'leased' AND w.worker = \(worker)
                RETURNING w.id
                """, logger: self.logger)
            var held: Set<String> = []
            for try await id in rows.decode(String.self) { held.insert(id) }
            return held
        }
    }

    public func complete(_ results: [WorkResult], worker: String) async throws(WorkQueueError) -> Set<String> {
        guard !results.isEmpty else { return [] }
        let ids = results.map(\.lease.itemId), attempts = results.map { Int32($0.lease.attempt) }
        let outputs = results.map { ByteBuffer(bytes: $0.result ?? Data()) }
        // One statement: each item's done mark and its completion record commit together.
        return try await query { client in
            let rows = try await client.query("""
                WITH input AS (
                    SELECT * FROM unnest(\(ids)::text[], \(attempts)::int[], \(outputs)::bytea[]) AS t(i, a, r)
                ), marked AS (
                    UPDATE work_items w SET state = 'done', result = nullif(input.r, ''::bytea), error = NULL,
                        lease_expires_at = NULL, finished_at = now()
                    FROM input
                    WHERE w.id = input.i AND w.attempts = input.a AND w.state = 'leased' AND w.worker = \(worker)
                    RETURNING w.id, w.job_id, w.attempts
                )
                INSERT INTO work_completions (item_id, job_id, worker, attempt, finished_at)
                SELECT id, job_id, \(worker), attempts, now() FROM marked
                RETURNING item_id
                """, logger: self.logger)
            var marked: Set<String> = []
            for try await id in rows.decode(String.self) { marked.insert(id) }
            return marked
        }
    }

    public func fail(_ lease: WorkLease, worker: String, error: String, retry: Bool, backoff: Duration) async throws(WorkQueueError) -> Bool {
        let seconds = retry ? backoff.seconds : 0
        let attempt = Int32(lease.attempt)
        return try await transaction { connection in
            let rows = try await connection.query("""
                WITH target AS (
                    SELECT id, (\(retry) AND attempts < max_attempts) AS again FROM work_items
                    WHERE id = \(lease.itemId) AND state = 'leased' AND worker = \(worker) AND attempts = \(attempt)
                    FOR UPDATE
                )
                UPDATE work_items w SET
                    state = CASE WHEN target.again THEN 'queued' ELSE 'failed' END,
                    error = \(error), lease_expires_at = NULL,
                    available_at = now() + make_interval(secs => CASE WHEN target.again THEN \(seconds) ELSE 0 END),
                    finished_at = CASE WHEN target.again THEN NULL ELSE now() END
                FROM target WHERE w.id = target.id
                RETURNING target.again, w.stage
                """, logger: self.logger)
            var found = false
            for try await (again, stage) in rows.decode((Bool, String).self) {
                found = true
                if again { try await connection.query("SELECT pg_notify(\(Self.channel), \(stage))", logger: self.logger) }
            }
            return found
        }
    }

    public func release(_ leases: [WorkLease], worker: String) async throws(WorkQueueError) {
        guard !leases.isEmpty else { return }
        let ids = leases.map(\.itemId), attempts = leases.map { Int32($0.attempt) }
        try await transaction { connection in
            let rows = try await connection.query("""
                UPDATE work_items w SET state = 'queued', worker = NULL, lease_expires_at = NULL, attempts = w.attempts - 1
                FROM unnest(\(ids)::text[], \(attempts)::int[]) AS t(i, a)
                WHERE w.id = t.i AND w.attempts = t.a AND w.state = 'leased' AND w.worker = \(worker)
                RETURNING w.stage
                """, logger: self.logger)
            var stages: Set<String> = []
            for try await stage in rows.decode(String.self) { stages.insert(stage) }
            for stage in stages { try await connection.query("SELECT pg_notify(\(Self.channel), \(stage))", logger: self.logger) }
        }
    }

    public func counts(jobId: String?) async throws(WorkQueueError) -> WorkCounts {
        try await query { client in
            let rows: PostgresRowSequence
            if let jobId {
                rows = try await client.query(
                    "SELECT state, count(*)::bigint FROM work_items WHERE job_id = \(jobId) GROUP BY state", logger: self.logger)
            } else {
                rows = try await client.query("SELECT state, count(*)::bigint FROM work_items GROUP BY state", logger: self.logger)
            }
            var counts = WorkCounts()
            for try await (state, n) in rows.decode((String, Int64).self) {
                if let state = WorkItemState(rawValue: state) { counts.add(state, Int(n)) }
            }
            return counts
        }
    }

    public func items(jobId: String, state: WorkItemState?, afterId: String?, limit: Int) async throws(WorkQueueError) -> [WorkItemRecord] {
        guard (1...1000).contains(limit) else { throw .invalidArgument("limit must be in 1…1000, got \(limit)") }
        let after = afterId ?? "", stateName = state?.rawValue
        return try await query { client in
            let rows = try await client.query("""
                SELECT id, job_id, stage, state, attempts, max_attempts, worker, error, result FROM work_items
                WHERE job_id = \(jobId) AND id > \(after) AND (\(stateName)::text IS NULL OR state = \(stateName))
                ORDER BY id COLLATE "C" LIMIT \(limit)
                """, logger: self.logger)
            var out: [WorkItemRecord] = []
            for try await (id, job, stage, state, attempts, maxAttempts, worker, error, result)
                in rows.decode((String, String, String, String, Int32, Int32, String?, String?, ByteBuffer?).self) {
                out.append(WorkItemRecord(
                    id: id, jobId: job, stage: stage, state: WorkItemState(rawValue: state) ?? .failed, attempts: Int(attempts),
                    maxAttempts: Int(maxAttempts), worker: worker, error: error, result: result.map { Data(buffer: $0) }))
            }
            return out
        }
    }

    public func completionCounts(jobId: String) async throws(WorkQueueError) -> [String: Int] {
        try await query { client in
            let rows = try await client.query(
                "SELECT item_id, count(*)::bigint FROM work_completions WHERE job_id = \(jobId) GROUP BY item_id", logger: self.logger)
            var out: [String: Int] = [:]
            for try await (id, n) in rows.decode((String, Int64).self) { out[id] = Int(n) }
            return out
        }
    }

    public func removeItems(jobId: String) async throws(WorkQueueError) -> Int {
        try await transaction { connection in
            try await connection.query("DELETE FROM work_completions WHERE job_id = \(jobId)", logger: self.logger)
            let rows = try await connection.query("WITH gone AS (DELETE FROM work_items WHERE job_id = \(jobId) RETURNING 1) SELECT count(*)::bigint FROM gone", logger: self.logger)
            var n = 0
            for try await count in rows.decode(Int64.self) { n = Int(count) }
            return n
        }
    }

    public func report(_ worker: WorkerReport) async throws(WorkQueueError) {
        let document = String(decoding: try WorkQueueRules.encode(worker), as: UTF8.self)
        let id = worker.id
        try await query { client in
            // lastSeen is the server's clock; `workers(seenWithin:)` puts it into the report it reads.
            _ = try await client.query("""
                INSERT INTO workers (id, last_seen, report) VALUES (\(id), now(), \(document)::jsonb)
                ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen, report = excluded.report
                """, logger: self.logger)
            return ()
        }
    }

    public func pruneWorkers(notSeenFor age: Duration) async throws(WorkQueueError) -> Int {
        let seconds = age.seconds
        return try await query { client in
            let rows = try await client.query("""
                WITH gone AS (DELETE FROM workers WHERE last_seen < now() - make_interval(secs => \(seconds)) RETURNING 1)
                SELECT count(*)::bigint FROM gone
                """, logger: self.logger)
            var n = 0
            for try await count in rows.decode(Int64.self) { n = Int(count) }
            return n
        }
    }

    public func workers(seenWithin within: Duration) async throws(WorkQueueError) -> [WorkerReport] {
        let seconds = within.seconds
        let rows: [(String, Date)] = try await query { client in
            let rows = try await client.query("""
                SELECT report::text, last_seen FROM workers
                WHERE last_seen >= now() - make_interval(secs => \(seconds)) ORDER BY last_seen DESC
                """, logger: self.logger)
            var out: [(String, Date)] = []
            for try await row in rows.decode((String, Date).self) { out.append(row) }
            return out
        }
        return rows.compactMap { text, seen in
            guard var report = try? WorkQueueRules.decodeWorker(Data(text.utf8)) else { return nil }
            report.lastSeen = seen
            return report
        }
    }

    public func waitForWork(stages: [String], timeout: Duration) async {
        await wake.wait(timeout: timeout)
    }

    // MARK: Internals

    /// Expired leases go back to the queue (or end failed on their last attempt), at most once a
    /// second per process; requeued stages are notified.
    private func reapIfDue() async throws(WorkQueueError) {
        let now = ContinuousClock.now
        let due = lastReap.withLock { last -> Bool in
            if let l = last, now - l < Self.reapInterval { return false }
            last = now
            return true
        }
        guard due else { return }
        try await transaction { connection in
            let rows = try await connection.query("""
                UPDATE work_items SET
                    state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
                    error = 'lease expired: worker ' || coalesce(worker, '?') || ' stopped reporting',
                    finished_at = CASE WHEN attempts >= max_attempts THEN now() ELSE NULL END,
                    lease_expires_at = NULL
                WHERE state = 'leased' AND lease_expires_at < now()
                RETURNING id, worker, state
                """, logger: self.logger)
            var requeued = false
            for try await (id, worker, state) in rows.decode((String, String?, String).self) {
                self.logger.warning(
                    "lease expired", metadata: ["item": "\(id)", "worker": "\(worker ?? "?")", "now": "\(state)"])
                requeued = requeued || state == WorkItemState.queued.rawValue
            }
            if requeued { try await connection.query("SELECT pg_notify(\(Self.channel), '*')", logger: self.logger) }
        }
    }

    /// Holds one connection LISTENing for the process's waiters, reconnecting with back-off.
    private func listen() async {
        var backoff: Duration = .milliseconds(100)
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.channel) { notifications in
                        // Anything sent while not listening is lost: look once on every (re)connect.
                        self.wake.signal()
                        backoff = .milliseconds(100)
                        for try await _ in notifications { self.wake.signal() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.debug("LISTEN connection lost; reconnecting", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
    }

    private func query<T: Sendable>(_ body: (PostgresClient) async throws -> T) async throws(WorkQueueError) -> T {
        do {
            return try await body(client)
        } catch {
            throw PostgresErrorMapping.map(error)
        }
    }

    private func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws(WorkQueueError) -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch {
            throw PostgresErrorMapping.map(error)
        }
    }
}
