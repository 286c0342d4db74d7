import Foundation
import Logging
import Synchronization
import Testing
import XPasteBank
@testable import XPastePipeline

/// The worker against a real SQLite queue: it finishes items, records failures by kind, drains on
/// stop, and a queue call that never answers (a database gone silent) does not hang it.
@Suite(.serialized) struct WorkerServiceTests {
    static func queue() throws -> (SQLiteWorkQueue, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xpw-\(UUID().uuidString)")
        return (try SQLiteWorkQueue(url: dir.appendingPathComponent("queue.sqlite"), logger: Logger(label: "t")), dir)
    }

    static func probes(_ n: Int, latencyMs: Int = 1, job: String = "j") throws -> [NewWorkItem] {
        try (0..<n).map { i in
            NewWorkItem(id: "\(job)-\(i)", jobId: job, stage: "probe", payload: try JSONEncoder().encode(ProbeStageHandler.Payload(latencyMs: latencyMs, index: i)))
        }
    }

    static func settle(_ queue: any WorkQueue, job: String = "j") async throws -> WorkCounts {
        for _ in 0..<1000 {
            let counts = try await queue.counts(jobId: job)
            if counts.isSettled && counts.total > 0 { return counts }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try await queue.counts(jobId: job)
    }

    @Test func runsItemsAndFailsBadPayloadsWithoutRetrying() async throws {
        let (queue, dir) = try Self.queue()
        defer { try? FileManager.default.removeItem(at: dir) }
        var items = try Self.probes(30)
        items.append(NewWorkItem(id: "j-bad", jobId: "j", stage: "probe", payload: Data("not json".utf8)))
        _ = try await queue.enqueue(items)
        let worker = try WorkerService(
            queue: queue, handlers: [ProbeStageHandler(workerId: "w")],
            configuration: WorkerConfiguration(id: "w", stages: ["probe"], concurrency: 4, batch: 8, idleWait: .milliseconds(50)),
            logger: Logger(label: "t"))
        let run = Task { try await worker.run() }
        let counts = try await Self.settle(queue)
        worker.stop()
        try await run.value
        #expect(counts == WorkCounts(done: 30, failed: 1))
        let failed = try #require(try await queue.items(jobId: "j", state: .failed, afterId: nil, limit: 10).first)
        // A bad payload is not worth a second attempt.
        #expect(failed.id == "j-bad" && failed.attempts == 1 && failed.error?.contains("not a probe payload") == true)
        #expect(worker.totals.done == 30 && worker.totals.failed == 1)
        #expect(try await queue.completionCounts(jobId: "j").values.allSatisfy { $0 == 1 })
    }

    @Test func refusesStagesItCannotRun() throws {
        let (queue, dir) = try Self.queue()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: WorkQueueError.self) {
            try WorkerService(
                queue: queue, handlers: [ProbeStageHandler(workerId: "w")], configuration: WorkerConfiguration(stages: ["generate"]),
                logger: Logger(label: "t"))
        }
    }

    @Test func stoppingGivesBackWhatItHasNotStarted() async throws {
        let (queue, dir) = try Self.queue()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try await queue.enqueue(try Self.probes(10, latencyMs: 300))
        let worker = try WorkerService(
            queue: queue, handlers: [ProbeStageHandler(workerId: "w")],
            configuration: WorkerConfiguration(id: "w", stages: ["probe"], concurrency: 2, batch: 10, idleWait: .milliseconds(50)),
            logger: Logger(label: "t"))
        let run = Task { try await worker.run() }
        while try await queue.counts(jobId: "j").leased < 10 { try await Task.sleep(for: .milliseconds(5)) }
        // Normally two items have started by now; on a loaded machine the stop may come first.
        try await Task.sleep(for: .milliseconds(100))
        worker.stop()
        try await run.value
        // Running items finished (two at most run at once); the rest went back unattempted.
        let counts = try await queue.counts(jobId: "j")
        #expect(counts.leased == 0 && counts.failed == 0 && counts.done + counts.queued == 10 && counts.done <= 2, "\(counts)")
        #expect(worker.totals.done == counts.done)
        let queued = try await queue.items(jobId: "j", state: .queued, afterId: nil, limit: 10)
        #expect(queued.allSatisfy { $0.attempts == 0 })
    }

    /// A real queue whose first commit does not answer for a minute (until cancelled), as a call
    /// on a connection to a database that went silent.
    final class SilentOnceQueue: WorkQueue, @unchecked Sendable {
        let base: SQLiteWorkQueue
        let silenced = Mutex(false)
        init(_ base: SQLiteWorkQueue) { self.base = base }
        var logger: Logger { base.logger }
        func enqueue(_ items: [NewWorkItem]) async throws(WorkQueueError) -> Int { try await base.enqueue(items) }
        func claim(stages: [String], worker: String, limit: Int, lease: Duration) async throws(WorkQueueError) -> [WorkItem] {
            try await base.claim(stages: stages, worker: worker, limit: limit, lease: lease)
        }
        func heartbeat(_ leases: [WorkLease], worker: String, lease: Duration) async throws(WorkQueueError) -> Set<String> {
            try await base.heartbeat(leases, worker: worker, lease: lease)
        }
        func complete(_ results: [WorkResult], worker: String) async throws(WorkQueueError) -> Set<String> {
            if !silenced.withLock({ was in defer { was = true }; return was }) {
                // Longer than the whole test: only the deadline gets the worker past this.
                let end = ContinuousClock.now + .seconds(60)
                while ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(50)); if Task.isCancelled { break } }
                throw .unavailable("silent")
            }
            return try await base.complete(results, worker: worker)
        }
        func fail(_ lease: WorkLease, worker: String, error: String, retry: Bool, backoff: Duration) async throws(WorkQueueError) -> Bool {
            try await base.fail(lease, worker: worker, error: error, retry: retry, backoff: backoff)
        }
        func release(_ leases: [WorkLease], worker: String) async throws(WorkQueueError) { try await base.release(leases, worker: worker) }
        func counts(jobId: String?) async throws(WorkQueueError) -> WorkCounts { try await base.counts(jobId: jobId) }
        func items(jobId: String, state: WorkItemState?, afterId: String?, limit: Int) async throws(WorkQueueError) -> [WorkItemRecord] {
            try await base.items(jobId: jobId, state: state, afterId: afterId, limit: limit)
        }
        func completionCounts(jobId: String) async throws(WorkQueueError) -> [String: Int] { try await base.completionCounts(jobId: jobId) }
        func removeItems(jobId: String) async throws(WorkQueueError) -> Int { try await base.removeItems(jobId: jobId) }
        func report(_ worker: WorkerReport) async throws(WorkQueueError) { try await base.report(worker) }
        func pruneWorkers(notSeenFor age: Duration) async throws(WorkQueueError) -> Int { try await base.pruneWorkers(notSeenFor: age) }
        func workers(seenWithin within: Duration) async throws(WorkQueueError) -> [WorkerReport] { try await base.workers(seenWithin: within) }
        func waitForWork(stages: [String], timeout: Duration) async { await base.waitForWork(stages: stages, timeout: timeout) }
    }

    @Test func aCommitThatNeverAnswersIsAbandonedAndRetried() async throws {
        let (base, dir) = try Self.queue()
        defer { try? FileManager.default.removeItem(at: dir) }
        let queue = SilentOnceQueue(base)
        _ = try await queue.enqueue(try Self.probes(5))
        let worker = try WorkerService(
            queue: queue, handlers: [ProbeStageHandler(workerId: "w")],
            configuration: WorkerConfiguration(id: "w", stages: ["probe"], concurrency: 1, lease: .milliseconds(600), idleWait: .milliseconds(50)),
            logger: Logger(label: "t"))
        let clock = ContinuousClock(), start = clock.now
        let run = Task { try await worker.run() }
        let counts = try await Self.settle(queue)
        worker.stop()
        try await run.value
        #expect(counts == WorkCounts(done: 5))
        #expect(clock.now - start < .seconds(20), "the silent commit held the worker for \(clock.now - start)")
        #expect(try await queue.completionCounts(jobId: "j").values.allSatisfy { $0 == 1 })
    }
}
