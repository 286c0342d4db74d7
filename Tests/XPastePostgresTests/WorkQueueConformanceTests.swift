import Foundation
import Testing
import XPasteBank
import XPastePostgres

/// Every queue guarantee, checked on SQLite and on PostgreSQL alike.
@Suite(.serialized) struct WorkQueueConformanceTests {
    @Test(arguments: QueueDriver.allCases)
    func enqueueAddsAnIdOnce(_ driver: QueueDriver) async throws {
        try await driver.withQueue { queue, _ in
            #expect(try await queue.enqueue(makeItems(3)) == 3)
            // Two repeats and one new id: only the new one is added, the repeats keep their payload.
            var again = makeItems(4)
            again[0].payload = Data("changed".utf8)
            #expect(try await queue.enqueue(again) == 1)
            #expect(try await queue.counts(jobId: "job-1") == WorkCounts(queued: 4))
            #expect(try await queue.counts(jobId: "other") == WorkCounts())
            let claimed = try await queue.claim(stages: ["probe"], worker: "w", limit: 1, lease: .seconds(30))
            #expect(claimed.map(\.payload) == [Data("{\"n\":0}".utf8)])
        }
    }

    @Test(arguments: QueueDriver.allCases)
    func claimsOldestFirstOnlyOfTheStagesAsked(_ driver: QueueDriver) async throws {
        try await driver.withQueue { queue, _ in
            _ = try await queue.enqueue(makeItems(3, stage: "generate", prefix: "g"))
            _ = try await queue.enqueue(makeItems(3, stage: "extract", prefix: "e"))
            _ = try await queue.enqueue(makeItems(2, stage: "generate", prefix: "h"))
            let first = try await queue.claim(stages: ["generate"], worker: "w1", limit: 4, lease: .seconds(30))
            #expect(first.map(\.id) == ["g-000", "g-001", "g-002", "h-000"])
            #expect(first.allSatisfy { $0.attempt == 1 && $0.maxAttempts == 3 && $0.jobId == "job-1" })
            let second = try await queue.claim(stages: ["extract", "generate"], worker: "w2", limit: 10, lease: .seconds(30))
            #expect(second.map(\.id) == ["e-000", "e-001", "e-002", "h-001"])
            #expect(try await queue.claim(stages: ["generate", "extract"], worker: "w3", limit: 10, lease: .seconds(30)).isEmpty)
            #expect(try await queue.counts(jobId: nil) == WorkCounts(leased: 8))
        }
    }

    @Test(arguments: QueueDriver.allCases)
    func concurrentClaimsNeverShareAnItem(_ driver: QueueDriver) async throws {
        try await driver.withQueue { queue, another in
            _ = try await queue.enqueue(makeItems(300))
            var handles: [any WorkQueue] = [queue]
            for _ in 0..<3 { handles.append(try await another()) }
            let batches = try await withThrowingTaskGroup(of: [String].self) { group in
                for w in 0..<8 {
                    let handle = handles[w % handles.count]
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let got = try await handle.claim(stages: ["probe"], worker: "w\(w)", limit: 7, lease: .seconds(30))
                            if got.isEmpty { return mine }
                            mine += got.map(\.id)
                        }
                    }
                }
                var all: [[String]] = []
                for try await batch in group { all.append(batch) }
                return all
            }
            let ids = batches.flatMap { $0 }
            #expect(ids.count == 300)
            #expect(Set(ids).count == 300)
            #expect(try await queue.counts(jobId: "job-1") == WorkCounts(leased: 300))
        }
    }

    @Test(arguments: QueueDriver.allCases)
    func completeTakesEffectOnceAndOnlyUnderTheLease(_ driver: QueueDriver) async throws {
        try await driver.withQueue { queue, _ in
            _ = try await queue.enqueue(makeItems(3))
            let items = try await queue.claim(stages: ["probe"], worker: "w1", limit: 3, lease: .seconds(30))
            let results = items.map { WorkResult(lease: $0.lease, result: Data("r-\($0.id)".utf8)) }
            // Another worker id, or a stale attempt number, cannot finish an item.
            #expect(try await queue.complete(results, worker: "intruder").isEmpty)
            #expect(try await queue.complete(WorkLease(itemId: "item-000", attempt: 2), worker: "w1", result: nil) == false)
            #expect(try await queue.complete(Array(results.prefix(2)), worker: "w1") == ["item-000", "item-001"])
            #expect(try await queue.complete(results, worker: "w1") == ["item-002"])
            #expect(try await queue.counts(jobId: "job-1") == WorkCounts(done: 3))
            #expect(try await queue.completionCounts(jobId: "job-1") == ["item-000": 1, "item-001": 1, "item-002": 1])
            let records = try await queue.items(jobId: "job-1", state: .done, afterId: nil, limit: 10)
            #expect(records.map(\.id) == ["item-000", "item-001", "item-002"])
            #expect(records.map(\.result) == ["r-item-000", "r-item-001", "r-item-002"].map { Data($0.utf8) })
            #expect(records.allSatisfy { $0.worker == "w1" && $0.attempts == 1 && $0.error == nil })
            // Paging by id.
            let page = try await queue.items(jobId: "job-1", state: nil, afterId: "item-000", limit: 1)
            #expect(page.map(\.id) == ["item-001"])
        }
    }

    @Test(arguments: QueueDriver.allCases)
    func anExpiredLeaseGoesToTheNextWorkerAndTheStaleOneCannotFinish(_ driver: QueueDriver) async throws {
        try await driver.withQueue { queue, another in
            _ = try await queue.enqueue(makeItems(1))
            let first = try #require(try await queue.claim(stages: ["probe"], worker: "slow", limit: 1, lease: .milliseconds(200)).first)
            #expect(first.attempt == 1)
            let other = try await another()
            // PostgreSQL reaps at most once a second per process; wait past both.
            try await Task.sleep(for: .milliseconds(1200))
            let second = try #require(try await other.claim(stages: ["probe"], worker: "fast", limit: 1, lease: .seconds(30)).first)
            #expect(second.id == first.id)
            #expect(second.attempt == 2)
            #expect(try await queue.heartbeat([first.lease], worker: "slow", lease: .seconds(30)).isEmpty)
            #expect(try await queue.complete(first.lease, worker: "slow", result: nil) == false)
            #expect(try await queue.fail(first.lease, worker: "slow", error: "late", retry: true, backoff: .zero) == false)
            #expect(try await other.complete(second.lease, worker: "fast", result: nil))
            #expect(try await queue.completionCounts(jobId: "job-1") == ["item-000": 1])
            let record = try #require(try await queue.items(jobId: "job-1", state: nil, afterId: nil, limit: 1).first)
            #expect(record.state == .done && record.worker == "fast" && record.attempts == 2)
        }
    }

    @Test(arguments: QueueDriver.allCases)
    func aLeaseThatExpiresOnTheLastAttemptFailsTheItem(_ driver: QueueDriver) async throws {
        try await driver.withQueue { queue, another in
            _ = try await queue.enqueue(makeItems(1, maxAttempts: 1))
            _ = try await queue.claim(stages: ["probe"], worker: "doomed", limit: 1, lease: .milliseconds(200))
            let other = try await another()
            try await Task.sleep(for: .milliseconds(1200))
            #expect(try await other.claim(stages: ["probe"], worker: "next", limit: 1, lease: .seconds(30)).isEmpty)
            let record = try #require(try await queue.items(jobId: "job-1", state: .failed, afterId: nil, limit: 1).first)
            #expect(record.error?.contains("lease expired") == true)
            #expect(record.error?.contains("doomed") == true)
            #expect(try await queue.counts(jobId: "job-1") == WorkCounts(failed: 1))
        }
    }

    @Test(arguments: QueueDriver.allCases)
    func heartbeatsKeepALease(_ driver: QueueDriver) async throws {
        try await driver.withQueue { queue, another in
            _ = try await queue.enqueue(makeItems(2))
            let held = try await queue.claim(stages: ["probe"], worker: "w1", limit: 2, lease: .milliseconds(400))
            let other = try await another()
            for _ in 0..<8 {
                try await Task.sleep(for: .milliseconds(150))
                // Only the first is kept alive.
                #expect(try await queue.heartbeat([held[0].lease], worker: "w1", lease: .milliseconds(400)) == [held[0].id])
            }
            let taken = try await other.claim(stages: ["probe"], worker: "w2", limit: 2, lease: .seconds(30))
            #expect(taken.map(\.id) == [held[1].id])
            #expect(try await queue.heartbeat(held.map(\.lease), worker: "w1", lease: .seconds(1)) == [held[0].id])
        }
    }

    @Test(arguments: QueueDriver.allCases)
    func failRetriesAfterTheBackoffThenGivesUp(_ driver: QueueDriver) async throws {
        try await driver.withQueue { queue, _ in
            _ = try await queue.enqueue(makeItems(1, maxAttempts: 2) + makeItems(1, prefix: "fatal"))
            let claimed = try await queue.claim(stages: ["probe"], worker: "w", limit: 2, lease: .seconds(30))
            #expect(try await queue.fail(claimed[0].lease, worker: "w", error: "out of memory", retry: true, backoff: .milliseconds(600)))
            #expect(try await queue.fail(claimed[1].lease, worker: "w", error: "bad payload", retry: false, backoff: .zero))
            // Not claimable until the back-off has passed.
            #expect(try await queue.claim(stages: ["probe"], worker: "w", limit: 2, lease: .seconds(30)).isEmpty)
            try await Task.sleep(for: .milliseconds(800))
            let retried = try #require(try await queue.claim(stages: ["probe"], worker: "w", limit: 2, lease: .seconds(30)).first)
            #expect(retried.id == "item-000" && retried.attempt == 2)
            // The last attempt's failure is final even when a retry is asked for.
            #expect(try await queue.fail(retried.lease, worker: "w", error: "out of memory again", retry: true, backoff: .zero))
            let failed = try await queue.items(jobId: "job-1", state: .failed, afterId: nil, limit: 10)
            #expect(failed.map(\.id) == ["fatal-000", "item-000"])
            #expect(failed.map(\.error) == ["bad payload", "out of memory again"])
            #expect(try await queue.completionCounts(jobId: "job-1").isEmpty)
        }
    }

    @Test(arguments: QueueDriver.allCases)
    func releasedItemsReturnWithoutCountingAnAttempt(_ driver: QueueDriver) async throws {
        try await driver.withQueue { queue, _ in
            _ = try await queue.enqueue(makeItems(2, maxAttempts: 1))
            let claimed = try await queue.claim(stages: ["probe"], worker: "leaving", limit: 2, lease: .seconds(30))
            try await queue.release(claimed.map(\.lease), worker: "leaving")
            #expect(try await queue.counts(jobId: "job-1") == WorkCounts(queued: 2))
            let again = try await queue.claim(stages: ["probe"], worker: "staying", limit: 2, lease: .seconds(30))
            #expect(again.map(\.attempt) == [1, 1])
            // The old holder cannot release what is now someone else's.
            try await queue.release(claimed.map(\.lease), worker: "leaving")
            #expect(try await queue.counts(jobId: "job-1") == WorkCounts(leased: 2))
        }
    }

    @Test(arguments: QueueDriver.allCases)
    func anEnqueueWakesAWaiterOnAnotherHandle(_ driver: QueueDriver) async throws {
        try await driver.withQueue { queue, another in
            let waiter = try await another()
            // Let a PostgreSQL listener connect and drain its first wake-up.
            await waiter.waitForWork(stages: ["probe"], timeout: .seconds(2))
            let clock = ContinuousClock()
            async let waited: Duration = clock.measure { await waiter.waitForWork(stages: ["probe"], timeout: .seconds(20)) }
            try await Task.sleep(for: .milliseconds(100))
            _ = try await queue.enqueue(makeItems(1))
            let elapsed = await waited
            #expect(elapsed < .seconds(2), "woken after \(elapsed)")
            #expect(try await waiter.claim(stages: ["probe"], worker: "w", limit: 1, lease: .seconds(5)).count == 1)
        }
    }

    @Test(arguments: QueueDriver.allCases)
    func workersReportThemselves(_ driver: QueueDriver) async throws {
        try await driver.withQueue { queue, _ in
            let started = Date(timeIntervalSince1970: 1_800_000_000)
            var report = WorkerReport(
                id: "gpu-host-1:4242:ab", host: "gpu-host-1", pid: 4242, stages: ["generate", "extract"], devices: ["cuda:0"],
                concurrency: 2, startedAt: started)
            try await queue.report(report)
            report.itemsDone = 17
            report.itemsPerSecond = 3.5
            try await queue.report(report)
            let listed = try await queue.workers(seenWithin: .seconds(60))
            #expect(listed.count == 1)
            let seen = try #require(listed.first)
            #expect(seen.id == report.id && seen.host == "gpu-host-1" && seen.pid == 4242)
            #expect(seen.stages == ["generate", "extract"] && seen.devices == ["cuda:0"] && seen.concurrency == 2)
            #expect(seen.itemsDone == 17 && seen.itemsPerSecond == 3.5 && seen.state == "running")
            #expect(seen.startedAt == started)
            #expect(abs(seen.lastSeen.timeIntervalSinceNow) < 30)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await queue.workers(seenWithin: .milliseconds(100)).isEmpty)
            // A newer worker stays when the old one's report is pruned.
            try await queue.report(WorkerReport(
                id: "gpu-host-2:1:cd", host: "gpu-host-2", pid: 1, stages: ["probe"], devices: ["cpu"], concurrency: 1, startedAt: started))
            #expect(try await queue.pruneWorkers(notSeenFor: .milliseconds(200)) == 1)
            #expect(try await queue.workers(seenWithin: .seconds(60)).map(\.id) == ["gpu-host-2:1:cd"])
            #expect(try await queue.pruneWorkers(notSeenFor: .seconds(60)) == 0)
        }
    }

    @Test(arguments: QueueDriver.allCases)
    func removingAJobsItemsLeavesOthers(_ driver: QueueDriver) async throws {
        try await driver.withQueue { queue, _ in
            _ = try await queue.enqueue(makeItems(3, job: "a", prefix: "a") + makeItems(2, job: "b", prefix: "b"))
            let claimed = try await queue.claim(stages: ["probe"], worker: "w", limit: 1, lease: .seconds(30))
            _ = try await queue.complete(claimed[0].lease, worker: "w", result: nil)
            #expect(try await queue.removeItems(jobId: "a") == 3)
            #expect(try await queue.counts(jobId: "a") == WorkCounts())
            #expect(try await queue.completionCounts(jobId: "a").isEmpty)
            #expect(try await queue.counts(jobId: nil) == WorkCounts(queued: 2))
        }
    }

    @Test(arguments: QueueDriver.allCases)
    func badArgumentsAreRefusedWithTypedErrors(_ driver: QueueDriver) async throws {
        try await driver.withQueue { queue, _ in
            await #expect(throws: WorkQueueError.self) { try await queue.claim(stages: [], worker: "w", limit: 1, lease: .seconds(1)) }
            let codes: [String] = await [
                code { try await queue.claim(stages: ["probe"], worker: "w", limit: 0, lease: .seconds(1)) },
                code { try await queue.claim(stages: ["probe"], worker: "w", limit: 1001, lease: .seconds(1)) },
                code { try await queue.claim(stages: ["probe"], worker: "", limit: 1, lease: .seconds(1)) },
                code { try await queue.claim(stages: ["probe"], worker: "w", limit: 1, lease: .milliseconds(10)) },
                code { try await queue.enqueue([NewWorkItem(id: "x", jobId: "j", stage: "probe", payload: Data(count: 2 << 20))]) },
                code { try await queue.enqueue([NewWorkItem(id: "bad\nid", jobId: "j", stage: "probe", payload: Data())]) },
                code { try await queue.enqueue([NewWorkItem(id: "x", jobId: "j", stage: "probe", payload: Data(), maxAttempts: 0)]) },
                code { try await queue.items(jobId: "j", state: nil, afterId: nil, limit: 0) },
            ]
            #expect(codes == Array(repeating: "queue.invalid_argument", count: 8))
            let counts = try await queue.counts(jobId: nil)
            #expect(counts == WorkCounts())
        }
    }

    private func code<T>(_ body: () async throws -> T) async -> String {
        do {
            _ = try await body()
            return "no error"
        } catch let error as WorkQueueError {
            return error.code
        } catch {
            return "untyped: \(error)"
        }
    }

    @Test func deterministicIdsDependOnEveryPart() {
        let a = NewWorkItem.id(stage: "generate", ["dog", "7"])
        #expect(a == NewWorkItem.id(stage: "generate", ["dog", "7"]))
        #expect(a.count == 32)
        #expect(a != NewWorkItem.id(stage: "generate", ["dog7"]))
        #expect(a != NewWorkItem.id(stage: "generate", ["do", "g7"]))
        #expect(a != NewWorkItem.id(stage: "extract", ["dog", "7"]))
    }

    @Test func anSQLiteFileThatIsNotAQueueIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xpq-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let bank = dir.appendingPathComponent("jobs.sqlite")
        _ = try SQLiteJobLedger(url: bank, logger: .init(label: "t"))
        #expect(throws: WorkQueueError.self) { try SQLiteWorkQueue(url: bank, logger: .init(label: "t")) }
        let garbage = dir.appendingPathComponent("garbage.sqlite")
        try Data(repeating: 0x41, count: 8192).write(to: garbage)
        do {
            _ = try SQLiteWorkQueue(url: garbage, logger: .init(label: "t"))
            Issue.record("a garbage file opened as a queue")
        } catch {
            #expect(["queue.not_a_queue", "queue.database"].contains(error.code))
        }
    }
}
