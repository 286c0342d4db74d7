import Foundation
import Logging
import Testing
import XPasteBank
import XPastePipeline
import XPastePostgres
import XPasteTestSupport

/// A loopback cluster: PostgreSQL, and `xpaste worker` processes on the probe stage (a fixed
/// per-item latency standing in for a GPU). Throughput must grow with workers, a worker killed
/// mid-batch must cost nothing, and a PostgreSQL restart mid-job must be ridden out. `make test`
/// runs this suite on its own after the others, since it measures throughput.
@Suite(.serialized) struct WorkerClusterTests {
    /// Workers as child processes, SIGTERMed (or SIGKILLed) at the end.
    final class Workers: @unchecked Sendable {
        let processes: [Process]
        init(count: Int, database: String, extra: [String] = []) throws {
            let binary = try #require(XPasteBinary.url, "build the xpaste product (swift build --build-tests builds it)")
            processes = try (0..<count).map { i in
                let p = Process()
                p.executableURL = binary
                p.arguments = ["worker", "--database", database, "--stages", "probe", "--id", "w\(i)", "--idle-seconds", "2", "--log-level", "error"] + extra
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                try p.run()
                return p
            }
        }
        func kill(_ index: Int) {
            Glibc.kill(processes[index].processIdentifier, SIGKILL)
            processes[index].waitUntilExit()
        }
        /// SIGTERM, then at most 30 s for each to drain; one that does not exit is killed and
        /// reported (a worker must always stop on SIGTERM).
        func stop() {
            for p in processes where p.isRunning { p.terminate() }
            let deadline = Date().addingTimeInterval(30)
            for p in processes {
                while p.isRunning && Date() < deadline { usleep(20_000) }
                if p.isRunning {
                    Issue.record("worker \(p.processIdentifier) did not stop within 30 s of SIGTERM")
                    Glibc.kill(p.processIdentifier, SIGKILL)
                    p.waitUntilExit()
                }
            }
        }
        deinit { stop() }
    }

    func open(_ url: String) async throws -> (PostgresWorkQueue, Task<Void, any Error>) {
        var logger = Logger(label: "test.cluster")
        // The restart test makes the pool log every refused reconnect.
        logger.logLevel = .error
        let queue = PostgresWorkQueue(location: try PostgresLocation(url: url), logger: logger)
        let task = Task { try await queue.run() }
        try await queue.migrate()
        return (queue, task)
    }

    func probeItems(_ count: Int, job: String, latencyMs: Int) throws -> [NewWorkItem] {
        try (0..<count).map { i in
            NewWorkItem(
                id: "\(job)-\(i)", jobId: job, stage: "probe",
                payload: try JSONEncoder().encode(ProbeStageHandler.Payload(latencyMs: latencyMs, index: i)))
        }
    }

    /// Waits until the job has nothing queued or leased; returns the seconds it took and the counts.
    func settle(_ queue: any WorkQueue, job: String, timeout: Duration) async throws -> (Double, WorkCounts) {
        let clock = ContinuousClock(), start = clock.now
        while clock.now - start < timeout {
            if let counts = try? await queue.counts(jobId: job), counts.isSettled { return ((clock.now - start).seconds, counts) }
            try await Task.sleep(for: .milliseconds(20))
        }
        return ((clock.now - start).seconds, (try? await queue.counts(jobId: job)) ?? WorkCounts())
    }

    /// Waits until `count` workers have reported.
    func awaitWorkers(_ queue: any WorkQueue, _ count: Int) async throws {
        for _ in 0..<300 {
            if (try? await queue.workers(seenWithin: .seconds(60)).filter { $0.state == "running" }.count) ?? 0 >= count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("only some of \(count) workers reported")
    }

    @Test func throughputGrowsLinearlyWithWorkers() async throws {
        let cluster = try PostgresTestCluster.shared.get()
        var rates: [Int: Double] = [:]
        let latency = 100
        for count in [1, 2, 4, 8] {
            let url = try cluster.makeDatabase(prefix: "scale")
            let (queue, task) = try await open(url)
            defer { task.cancel() }
            let workers = try Workers(count: count, database: url)
            defer { workers.stop() }
            try await awaitWorkers(queue, count)
            let items = 25 * count
            _ = try await queue.enqueue(try probeItems(items, job: "scale", latencyMs: latency))
            let (seconds, counts) = try await settle(queue, job: "scale", timeout: .seconds(120))
            #expect(counts == WorkCounts(done: items))
            rates[count] = Double(items) / seconds
        }
        let one = try #require(rates[1])
        // The ideal is 10 items/s per worker; each worker pays a claim and a commit per item.
        #expect(one > 7, "one worker: \(one) items/s")
        for count in [2, 4, 8] {
            let rate = try #require(rates[count])
            let efficiency = rate / (Double(count) * one)
            #expect(efficiency >= 0.9, "\(count) workers: \(rate) items/s, \(efficiency) of linear (1 worker: \(one))")
        }
    }

    @Test func aWorkerKilledMidBatchCostsNothing() async throws {
        let cluster = try PostgresTestCluster.shared.get()
        let url = try cluster.makeDatabase(prefix: "kill")
        let (queue, task) = try await open(url)
        defer { task.cancel() }
        let workers = try Workers(count: 3, database: url, extra: ["--concurrency", "2", "--batch", "4", "--lease-seconds", "1.5"])
        defer { workers.stop() }
        try await awaitWorkers(queue, 3)
        let items = 240
        _ = try await queue.enqueue(try probeItems(items, job: "kill", latencyMs: 40))
        // Let every worker hold a batch, then kill one mid-batch.
        while try await queue.counts(jobId: "kill").done < 40 { try await Task.sleep(for: .milliseconds(10)) }
        workers.kill(0)
        // Read after the kill: what w0 still holds now, it can no longer finish.
        let held = try await queue.items(jobId: "kill", state: .leased, afterId: nil, limit: 1000).filter { $0.worker == "w0" }
        #expect(!held.isEmpty, "the killed worker held nothing")
        let (_, counts) = try await settle(queue, job: "kill", timeout: .seconds(120))
        #expect(counts == WorkCounts(done: items))
        let completions = try await queue.completionCounts(jobId: "kill")
        #expect(completions.count == items)
        #expect(completions.values.allSatisfy { $0 == 1 }, "an item was completed more than once")
        // What the dead worker held was finished by the others, on a later attempt.
        var records: [WorkItemRecord] = []
        var after: String? = nil
        while true {
            let page = try await queue.items(jobId: "kill", state: nil, afterId: after, limit: 1000)
            guard let last = page.last else { break }
            records += page
            after = last.id
        }
        let byId = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
        for item in held {
            let record = try #require(byId[item.id])
            #expect(record.worker != "w0" && record.attempts >= 2, "\(item.id) after the kill: \(record)")
        }
    }

    @Test func workersRideOutAPostgreSQLRestart() async throws {
        // A cluster of its own: restarting the shared one would break the other tests.
        let cluster = try PostgresTestCluster()
        defer { cluster.destroy() }
        let url = try cluster.makeDatabase(prefix: "restart")
        let (queue, task) = try await open(url)
        defer { task.cancel() }
        let workers = try Workers(count: 2, database: url, extra: ["--concurrency", "2", "--lease-seconds", "20"])
        defer { workers.stop() }
        try await awaitWorkers(queue, 2)
        let items = 300
        _ = try await queue.enqueue(try probeItems(items, job: "restart", latencyMs: 20))
        while try await queue.counts(jobId: "restart").done < 60 { try await Task.sleep(for: .milliseconds(10)) }
        try cluster.stopImmediately()
        try await Task.sleep(for: .seconds(2))
        try cluster.startAgain()
        let (_, counts) = try await settle(queue, job: "restart", timeout: .seconds(120))
        #expect(counts == WorkCounts(done: items))
        let completions = try await queue.completionCounts(jobId: "restart")
        #expect(completions.count == items)
        #expect(completions.values.allSatisfy { $0 == 1 })
        // Both workers are still alive and reporting after the restart.
        #expect(workers.processes.allSatisfy { $0.isRunning })
    }
}
