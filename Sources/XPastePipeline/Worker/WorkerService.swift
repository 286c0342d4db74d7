import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import XPasteBank

/// A worker: a `Service` that claims items of its stages from the work queue in batches, runs up
/// to `concurrency` of them at once, renews the leases it holds with heartbeats, and commits each
/// result with the item's done mark. Idle, it sleeps until the queue wakes it (LISTEN/NOTIFY on
/// PostgreSQL) instead of polling hard.
///
/// Failure model: a worker that dies stops heartbeating, its leases expire, and other workers take
/// the items again; the queue refuses the dead worker's late results, so an item is done exactly
/// once. When the database goes away, the worker keeps what it holds and retries with back-off
/// until it is back. On graceful shutdown it stops claiming, gives back what it has not started,
/// and finishes what is running (up to `shutdownGrace`).
public final class WorkerService: Service, Sendable {
    /// Where it takes work from.
    public let queue: any WorkQueue
    /// How it runs.
    public let configuration: WorkerConfiguration
    private let handlers: [String: any WorkItemHandler]
    private let logger: Logger
    private let state = Mutex(State())
    private let stopSignal = WakeSignal()
    private let commitSignal = WakeSignal()

    private struct State {
        var held: [String: WorkLease] = [:]
        var stopping = false
        var done = 0
        var failed = 0
        var lost = 0
        var samples: [(at: ContinuousClock.Instant, done: Int)] = []
        var pendingCommits: [(result: WorkResult, reply: CheckedContinuation<Bool, Never>)] = []
    }

    private enum Event: Sendable {
        case claimed([WorkItem])
        case claimFailed(WorkQueueError)
        case woke
        case finished
        case graceOver
    }

    /// A worker over `queue` with a handler for each of `configuration.stages`; a stage without a
    /// handler is refused with `invalidArgument` naming the stages this build runs.
    public init(
        queue: any WorkQueue, handlers: [any WorkItemHandler], configuration: WorkerConfiguration, logger: Logger
    ) throws(WorkQueueError) {
        var byStage: [String: any WorkItemHandler] = [:]
        for handler in handlers { byStage[handler.stage] = handler }
        guard !configuration.stages.isEmpty else { throw .invalidArgument("a worker needs at least one stage") }
        for stage in configuration.stages where byStage[stage] == nil {
            throw .invalidArgument("workers cannot run stage \(stage); they run: \(byStage.keys.sorted().joined(separator: ", "))")
        }
        try WorkQueueRules.checkLease(configuration.lease)
        self.queue = queue
        self.configuration = configuration
        self.handlers = byStage
        var logger = logger
        logger[metadataKey: "worker"] = "\(configuration.id)"
        self.logger = logger
    }

    /// Items finished, failed, and lost (their lease expired before the result committed) so far.
    public var totals: (done: Int, failed: Int, lost: Int) { state.withLock { ($0.done, $0.failed, $0.lost) } }

    /// Asks the worker to stop as on a graceful shutdown (for embedding without a ServiceGroup).
    public func stop() {
        state.withLock { $0.stopping = true }
        stopSignal.signal()
    }

    // MARK: Service

    public func run() async throws {
        logger.notice("worker starting", metadata: [
            "stages": "\(configuration.stages.joined(separator: ","))", "concurrency": "\(configuration.concurrency)",
            "batch": "\(configuration.batch)", "devices": "\(configuration.devices.joined(separator: ","))",
        ])
        await reportUntilDelivered("running")
        // Each worker process leaves one report row; drop those of workers gone for a week.
        if let pruned = try? await QueueCallDeadline.run("pruning old reports", limit: configuration.lease, {
            try await self.queue.pruneWorkers(notSeenFor: Self.reportRetention)
        }), pruned > 0 {
            logger.info("removed reports of workers gone for a week", metadata: ["count": "\(pruned)"])
        }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.heartbeats() }
                group.addTask { await self.committer() }
                await self.claimLoop()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.stop()
        }
        let totals = self.totals
        let last = report(state: "stopped")
        try? await QueueCallDeadline.run("the last report", limit: .seconds(5)) { try await self.queue.report(last) }
        logger.notice("worker stopped", metadata: ["done": "\(totals.done)", "failed": "\(totals.failed)", "lost": "\(totals.lost)"])
    }

    // MARK: Claiming

    private var isStopping: Bool { state.withLock { $0.stopping } }

    private func claimLoop() async {
        let config = configuration
        await withTaskGroup(of: Event.self) { group in
            var buffer: [WorkItem] = []
            var running = 0
            var claiming = false
            var waiting = false
            var graceStarted = false
            var failures = 0
            while true {
                let stopping = isStopping
                if stopping && !buffer.isEmpty {
                    await giveBack(buffer)
                    buffer = []
                }
                while !stopping, running < config.concurrency, !buffer.isEmpty {
                    let item = buffer.removeFirst()
                    running += 1
                    group.addTask {
                        await self.process(item)
                        return .finished
                    }
                }
                if !stopping && !claiming && !waiting && buffer.isEmpty && running < config.concurrency {
                    claiming = true
                    let limit = max(config.batch, config.concurrency) - running
                    group.addTask {
                        do {
                            return .claimed(try await QueueCallDeadline.run("a claim", limit: config.lease) {
                                try await self.queue.claim(
                                    stages: config.stages, worker: config.id, limit: min(limit, WorkQueueRules.maxClaim), lease: config.lease)
                            })
                        } catch {
                            return .claimFailed(error as? WorkQueueError ?? .database("\(error)"))
                        }
                    }
                }
                if stopping && running > 0 && !graceStarted {
                    graceStarted = true
                    group.addTask {
                        try? await Task.sleep(for: config.shutdownGrace)
                        return .graceOver
                    }
                }
                if stopping && running == 0 && !claiming {
                    group.cancelAll()
                    break
                }
                guard let event = await group.next() else { break }
                switch event {
                case .claimed(let items):
                    claiming = false
                    failures = 0
                    if items.isEmpty {
                        waiting = true
                        group.addTask {
                            await self.idle(config.idleWait)
                            return .woke
                        }
                    } else if isStopping {
                        await giveBack(items)
                    } else {
                        state.withLock { s in for item in items { s.held[item.id] = item.lease } }
                        buffer += items
                    }
                case .claimFailed(let error):
                    claiming = false
                    failures += 1
                    waiting = true
                    let delay = Self.backoff(failures)
                    logger.warning("claim failed; retrying", metadata: ["error": "\(error)", "in": "\(delay)"])
                    group.addTask {
                        await self.idle(delay)
                        return .woke
                    }
                case .woke:
                    waiting = false
                case .finished:
                    running -= 1
                case .graceOver:
                    if running > 0 {
                        logger.warning("shutdown grace over; cancelling running items (their leases will expire)", metadata: ["running": "\(running)"])
                        group.cancelAll()
                    }
                }
            }
        }
    }

    /// Waits for a wake-up from the queue, the stop signal, or `timeout`.
    private func idle(_ timeout: Duration) async {
        if isStopping { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.queue.waitForWork(stages: self.configuration.stages, timeout: timeout) }
            group.addTask { await self.stopSignal.wait(timeout: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns items not started (shutting down): queued again at once, no attempt counted.
    private func giveBack(_ items: [WorkItem]) async {
        let leases = items.map(\.lease)
        state.withLock { s in for lease in leases { s.held[lease.itemId] = nil } }
        do {
            try await QueueCallDeadline.run("giving items back", limit: configuration.lease) {
                try await self.queue.release(leases, worker: self.configuration.id)
            }
        } catch {
            logger.warning("could not give items back; their leases will expire", metadata: ["items": "\(leases.count)", "error": "\(error)"])
        }
    }

    // MARK: Running an item

    private func process(_ item: WorkItem) async {
        defer { _ = state.withLock { $0.held.removeValue(forKey: item.id) } }
        guard let handler = handlers[item.stage] else { return }
        var itemLogger = logger
        itemLogger[metadataKey: "item"] = "\(item.id)"
        do {
            let result = try await handler.perform(item, logger: itemLogger)
            if await commit(WorkResult(lease: item.lease, result: result)) {
                state.withLock { $0.done += 1 }
            } else {
                state.withLock { $0.lost += 1 }
                itemLogger.warning("lease lost before the result committed; another attempt owns the item")
            }
        } catch is CancellationError {
            // Cancelled after the shutdown grace: the lease expires and another worker retries.
        } catch {
            let failure = error as? WorkItemFailure
            let message = failure?.message ?? "\(error)"
            let retry = failure?.retryable ?? true
            itemLogger.warning("item failed", metadata: ["error": "\(message)", "retry": "\(retry)", "attempt": "\(item.attempt)/\(item.maxAttempts)"])
            state.withLock { $0.failed += 1 }
            await retrying("record a failure") { () async throws(WorkQueueError) in
                _ = try await QueueCallDeadline.run("recording a failure", limit: self.configuration.lease) {
                    try await self.queue.fail(item.lease, worker: self.configuration.id, error: message, retry: retry, backoff: self.configuration.retryBackoff)
                }
            }
        }
    }

    /// Hands a result to the committer and waits for it to be written; false when the lease was lost.
    private func commit(_ result: WorkResult) async -> Bool {
        await withCheckedContinuation { continuation in
            state.withLock { $0.pendingCommits.append((result, continuation)) }
            commitSignal.signal()
        }
    }

    /// Writes results as they come, every result pending at that moment in one call, so a busy
    /// worker commits many items per round trip and an idle one commits at once.
    private func committer() async {
        while true {
            let batch = state.withLock { s in
                let b = s.pendingCommits
                s.pendingCommits = []
                return b
            }
            if batch.isEmpty {
                if Task.isCancelled { return }
                await commitSignal.wait(timeout: .seconds(1))
                continue
            }
            var marked: Set<String> = []
            var failures = 0
            while true {
                do {
                    let results = batch.map(\.result)
                    marked = try await QueueCallDeadline.run("a commit", limit: configuration.lease) {
                        try await self.queue.complete(results, worker: self.configuration.id)
                    }
                    break
                } catch {
                    failures += 1
                    if !error.isTransient && failures >= 5 {
                        logger.error("cannot commit results; dropping them (their leases will expire)", metadata: ["error": "\(error)"])
                        break
                    }
                    let delay = Self.backoff(failures)
                    logger.warning("commit failed; retrying", metadata: ["error": "\(error)", "in": "\(delay)"])
                    try? await Task.sleep(for: delay)
                }
            }
            for pending in batch { pending.reply.resume(returning: marked.contains(pending.result.lease.itemId)) }
        }
    }

    // MARK: Heartbeats and reports

    private func heartbeats() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.heartbeatInterval)
            if Task.isCancelled { return }
            let leases = state.withLock { Array($0.held.values) }
            if !leases.isEmpty {
                do {
                    let kept = try await QueueCallDeadline.run("a heartbeat", limit: configuration.heartbeatInterval) {
                        try await self.queue.heartbeat(leases, worker: self.configuration.id, lease: self.configuration.lease)
                    }
                    let lost = leases.filter { !kept.contains($0.itemId) }
                    if !lost.isEmpty {
                        state.withLock { s in for lease in lost { s.held[lease.itemId] = nil } }
                        logger.warning("leases lost (expired and taken over)", metadata: ["items": "\(lost.map(\.itemId))"])
                    }
                } catch {
                    logger.warning("heartbeat failed", metadata: ["error": "\(error)"])
                }
            }
            do {
                let report = report(state: isStopping ? "draining" : "running")
                try await QueueCallDeadline.run("a report", limit: configuration.heartbeatInterval) { try await self.queue.report(report) }
            } catch {
                logger.debug("report failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// This worker's report now, with items/s over the last 30 seconds.
    func report(state name: String) -> WorkerReport {
        let now = ContinuousClock.now
        let (done, failed, rate) = state.withLock { s -> (Int, Int, Double) in
            s.samples.append((now, s.done))
            s.samples.removeAll { now - $0.at > .seconds(30) }
            guard let first = s.samples.first, now - first.at > .milliseconds(500) else { return (s.done, s.failed, 0) }
            return (s.done, s.failed, Double(s.done - first.done) / (now - first.at).seconds)
        }
        return WorkerReport(
            id: configuration.id, host: configuration.host, pid: Int(ProcessInfo.processInfo.processIdentifier),
            stages: configuration.stages, devices: configuration.devices, concurrency: configuration.concurrency,
            startedAt: startedAt, itemsDone: done, itemsFailed: failed, itemsPerSecond: rate, state: name)
    }

    private let startedAt = Date()

    private func reportUntilDelivered(_ name: String) async {
        await retrying("report the worker") { () async throws(WorkQueueError) in
            let report = self.report(state: name)
            try await QueueCallDeadline.run("a report", limit: self.configuration.lease) { try await self.queue.report(report) }
        }
    }

    /// Runs `body` until it succeeds, backing off on transient errors; gives up on others after 5
    /// tries, or when cancelled.
    private func retrying(_ what: String, _ body: () async throws(WorkQueueError) -> Void) async {
        var failures = 0
        while !Task.isCancelled {
            do {
                try await body()
                return
            } catch {
                failures += 1
                if !error.isTransient && failures >= 5 {
                    logger.error("giving up: cannot \(what)", metadata: ["error": "\(error)"])
                    return
                }
                let delay = Self.backoff(failures)
                logger.warning("cannot \(what); retrying", metadata: ["error": "\(error)", "in": "\(delay)"])
                try? await Task.sleep(for: delay)
            }
        }
    }

    /// How long the report of a worker that stopped reporting is kept.
    public static let reportRetention: Duration = .seconds(7 * 86_400)

    /// 100 ms doubling to 5 s.
    static func backoff(_ failures: Int) -> Duration {
        .milliseconds(min(5000, 100 << min(failures - 1, 6)))
    }
}
