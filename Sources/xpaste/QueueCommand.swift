import ArgumentParser
import Foundation
import Logging
import XPasteBank
import XPastePipeline

/// `xpaste queue`: look at the shared work queue and measure a deployment.
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Inspect the shared work queue and its workers, and measure a deployment.",
        subcommands: [QueueStatusCommand.self, QueueProbeCommand.self]
    )
}

/// `xpaste queue status`: item counts and live workers.
struct QueueStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Item counts by state (whole queue or one job) and the workers seen recently."
    )

    @OptionGroup var queueDatabase: QueueDatabaseOption

    @Option(help: "Only this job's items.")
    var job: String?

    @Option(help: "Workers seen within this many seconds count as live.")
    var seenWithin = 60.0

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func validate() throws {
        guard seenWithin > 0 else { throw ValidationError("--seen-within must be positive") }
    }

    func run() async throws {
        let logger = Logger(label: "xpaste.queue") { StreamLogHandler.standardError(label: $0) }
        let database = try queueDatabase.open(logger: logger)
        let (job, within) = (job, seenWithin)
        let (counts, workers) = try await database.withReady { () async throws -> (WorkCounts, [WorkerReport]) in
            do {
                return (try await database.queue.counts(jobId: job), try await database.queue.workers(seenWithin: .milliseconds(Int64(within * 1000))))
            } catch let error as WorkQueueError {
                throw Console.fail(code: error.code, error.description)
            }
        }
        if json {
            struct Status: Encodable {
                let counts: WorkCounts
                let workers: [WorkerReport]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            try Console.out(try encoder.encode(Status(counts: counts, workers: workers)) + Data("\n".utf8))
            return
        }
        print("items: \(counts.queued) queued, \(counts.leased) leased, \(counts.done) done, \(counts.failed) failed (\(counts.total) in all)")
        print("workers seen in the last \(Int(within)) s: \(workers.count)")
        for w in workers {
            let rate = String(format: "%.1f", w.itemsPerSecond)
            print("  \(w.id)  \(w.state)  stages \(w.stages.joined(separator: ","))  devices \(w.devices.joined(separator: ","))  \(w.itemsDone) done, \(w.itemsFailed) failed, \(rate) items/s")
        }
    }
}

/// `xpaste queue probe`: queue probe items, wait for the workers to finish them, and report.
struct QueueProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Measure the workers: queue probe items, wait until all are done, report items/s and check each was done once.",
        discussion: """
            Needs workers running with --stages probe. Each item waits --latency-ms on its worker (0 measures \
            the queue alone). Exits 0 when every item was done exactly once, 65 when an item failed or was \
            completed twice, 74 on a timeout or an unreachable database. The probe's items are removed \
            afterwards unless --keep.
            """
    )

    @OptionGroup var queueDatabase: QueueDatabaseOption

    @Option(help: "Items to queue (1…10000000).")
    var items = 1000

    @Option(help: "Milliseconds each item takes on its worker (0…60000).")
    var latencyMs = 0

    @Option(help: "Attempts each item gets.")
    var maxAttempts = 3

    @Option(help: "Seconds to wait for the workers before giving up.")
    var timeout = 600.0

    @Option(help: "Job id the items are queued under (default: probe-<random>).")
    var job: String?

    @Flag(help: "Keep the probe's items in the queue afterwards.")
    var keep = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        guard (1...10_000_000).contains(items) else { throw ValidationError("--items must be in 1…10000000") }
        guard (0...60_000).contains(latencyMs) else { throw ValidationError("--latency-ms must be in 0…60000") }
        guard (1...100).contains(maxAttempts) else { throw ValidationError("--max-attempts must be in 1…100") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    /// What the probe measured.
    struct Report: Encodable {
        let job: String
        let items: Int
        let latencyMs: Int
        let seconds: Double
        let itemsPerSecond: Double
        let done: Int
        let failed: Int
        let completedTwiceOrMore: Int
        let neverCompleted: Int
        let workers: [String: Int]
        let timedOut: Bool
    }

    func run() async throws {
        let logger = Logger(label: "xpaste.queue") { StreamLogHandler.standardError(label: $0) }
        let database = try queueDatabase.open(logger: logger)
        let jobId = job ?? "probe-\(UUID().uuidString.prefix(8).lowercased())"
        let (count, latency, attempts, limit, keep) = (items, latencyMs, maxAttempts, timeout, keep)
        let report = try await database.withReady { () async throws -> Report in
            do {
                return try await Self.probe(
                    queue: database.queue, job: jobId, count: count, latency: latency, attempts: attempts, timeout: limit, keep: keep)
            } catch let error as WorkQueueError {
                throw Console.fail(code: error.code, error.description)
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try Console.out(try encoder.encode(report) + Data("\n".utf8))
        } else {
            print(String(format: "%d items in %.2f s: %.1f items/s (latency %d ms each)", report.items, report.seconds, report.itemsPerSecond, report.latencyMs))
            print("done \(report.done), failed \(report.failed), completed more than once \(report.completedTwiceOrMore), never completed \(report.neverCompleted)")
            for (worker, n) in report.workers.sorted(by: { $0.key < $1.key }) { print("  \(worker): \(n)") }
        }
        if report.timedOut { throw Console.fail(code: "queue.timeout", "the workers did not finish within \(Int(limit)) s (is a worker running with --stages probe?)") }
        if report.failed > 0 || report.completedTwiceOrMore > 0 || report.neverCompleted > 0 {
            throw ExitCode(ExitStatus.badInput)
        }
    }

    static func probe(
        queue: any WorkQueue, job: String, count: Int, latency: Int, attempts: Int, timeout: Double, keep: Bool
    ) async throws -> Report {
        let encoder = JSONEncoder()
        var items: [NewWorkItem] = []
        items.reserveCapacity(count)
        for i in 0..<count {
            let payload = try encoder.encode(ProbeStageHandler.Payload(latencyMs: latency, index: i))
            items.append(NewWorkItem(id: "\(job)-\(i)", jobId: job, stage: ProbeStageHandler.stageName, payload: payload, maxAttempts: attempts))
        }
        let clock = ContinuousClock()
        let start = clock.now
        _ = try await queue.enqueue(items)
        let deadline = start + .milliseconds(Int64(timeout * 1000))
        var counts = try await queue.counts(jobId: job)
        while !counts.isSettled && clock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            do {
                counts = try await queue.counts(jobId: job)
            } catch {
                // The database restarting is part of what a probe may see; keep waiting.
                guard error.isTransient else { throw error }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        let elapsed = (clock.now - start).seconds
        let completions = try await queue.completionCounts(jobId: job)
        var byWorker: [String: Int] = [:]
        var after: String? = nil
        while true {
            let page = try await queue.items(jobId: job, state: .done, afterId: after, limit: 1000)
            for record in page { byWorker[record.worker ?? "?", default: 0] += 1 }
            guard let last = page.last else { break }
            after = last.id
        }
        if !keep { _ = try await queue.removeItems(jobId: job) }
        return Report(
            job: job, items: count, latencyMs: latency, seconds: elapsed, itemsPerSecond: Double(counts.done) / max(elapsed, 1e-9),
            done: counts.done, failed: counts.failed, completedTwiceOrMore: completions.values.filter { $0 > 1 }.count,
            neverCompleted: count - completions.count, workers: byWorker, timedOut: !counts.isSettled)
    }
}
