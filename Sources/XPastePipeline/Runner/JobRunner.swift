import Dispatch
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import XPasteBank
import XPasteStages

/// Runs jobs: a `Service` that takes queued jobs oldest first, up to `maxConcurrentJobs` at once,
/// and runs each one's stages in order. Model stages of every job share the environment's device
/// queue, so concurrent jobs interleave batch by batch.
///
/// Crash safety comes from the stages: each batch's results commit in the same transaction that
/// marks its items done (a source's status, an instance's decision), so a job interrupted at any
/// point — a cancel, a graceful shutdown, SIGKILL — resumes by running its unfinished stages again,
/// which find only the items not yet done. At start, jobs left `running` by a crash go back to the
/// queue. On graceful shutdown running jobs stop at their next batch boundary and are re-queued.
public final class JobRunner: Service, Sendable {
    /// Where jobs are stored.
    public let store: JobStore
    /// What stages run against.
    public let environment: PipelineEnvironment
    /// Checks and plans submissions.
    public let planner: JobPlanner
    /// Jobs running side by side at most.
    public let maxConcurrentJobs: Int
    /// How long a graceful shutdown waits for running jobs to reach a batch boundary.
    public let shutdownGrace: Duration
    private let runners: [StageKind: any PipelineStageRunner]
    private let locks = CategoryLocks()
    private let logger: Logger

    private struct State {
        var controls: [String: JobControl] = [:]
        var shuttingDown = false
        var alive = false
        var drained: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())
    private let writes = AsyncSerialLock()
    private let wakeStream: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation

    /// The stage runners this build has.
    public static let builtInStages: [any PipelineStageRunner] = [
        IngestStageRunner(), CrawlStageRunner(), GenerateStageRunner(), ExtractStageRunner(), FilterStageRunner(), CompositeStageRunner(), ModelPullStageRunner(),
    ]

    /// A runner.
    public init(
        store: JobStore, environment: PipelineEnvironment, planner: JobPlanner, maxConcurrentJobs: Int = 2,
        shutdownGrace: Duration = .seconds(5), stages: [any PipelineStageRunner] = JobRunner.builtInStages, logger: Logger
    ) {
        self.store = store
        self.environment = environment
        self.planner = planner
        self.maxConcurrentJobs = max(1, maxConcurrentJobs)
        self.shutdownGrace = shutdownGrace
        var byKind: [StageKind: any PipelineStageRunner] = [:]
        for s in stages { byKind[s.kind] = s }
        self.runners = byKind
        self.logger = logger
        (wakeStream, wakeContinuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Whether the runner's loop is running (for readiness checks).
    public var isAlive: Bool { state.withLock { $0.alive && !$0.shuttingDown } }

    /// Ids of the jobs running now.
    public var runningJobs: [String] { state.withLock { Array($0.controls.keys) } }

    // MARK: Service

    public func run() async throws {
        try await recover()
        state.withLock { $0.alive = true }
        defer { state.withLock { $0.alive = false } }
        await withGracefulShutdownHandler {
            await self.fill()
            for await _ in self.wakeStream {
                if self.state.withLock({ $0.shuttingDown }) { break }
                await self.fill()
            }
        } onGracefulShutdown: {
            self.beginShutdown()
        }
        beginShutdown()
        await drain(timeout: shutdownGrace)
        store.notifier.close()
    }

    /// Jobs a crash left running go back to the queue; a cancel that was pending ends as cancelled.
    func recover() async throws(PipelineError) {
        for job in try await store.jobs(states: [.running, .cancelling], limit: 1000) {
            try await update(job.id) { job throws(PipelineError) in
                guard let next = job.state.applying(.interrupt) else { return nil }
                job.state = next
                if next.isFinished { job.finishedAt = Date() }
                return ("state", Self.stateData(job))
            }
            logger.notice("job resumes after an interruption", metadata: ["job": "\(job.id)"])
        }
    }

    // MARK: Client operations

    /// Checks and queues a job; a repeat of an idempotency key with the same request fingerprint
    /// returns the job it made, with another fingerprint it is refused.
    public func submit(
        _ request: JobRequest, idempotencyKey: String?, fingerprint: String? = nil
    ) async throws(PipelineError) -> (job: JobRecord, created: Bool) {
        // A repeat is answered before planning, so it creates no category and loads no model.
        if let key = idempotencyKey, let existing = try await store.job(idempotencyKey: key) {
            guard existing.requestFingerprint == fingerprint else { throw .idempotencyKeyReused(key) }
            return (existing, false)
        }
        var record = try await planner.job(for: request, idempotencyKey: idempotencyKey)
        record.requestFingerprint = fingerprint
        let result = try await store.submit(record)
        if result.created {
            Counter(label: "xpaste_jobs_submitted_total", dimensions: [("pipeline", record.pipeline)]).increment()
            logger.info("job queued", metadata: ["job": "\(record.id)", "pipeline": "\(record.pipeline)", "categories": "\(record.categories.count)"])
        }
        wakeContinuation.yield()
        return result
    }

    /// Cancels a job: a queued one at once, a running one at its next batch boundary.
    @discardableResult
    public func cancel(_ id: String) async throws(PipelineError) -> JobRecord {
        let job = try await update(id) { job throws(PipelineError) in
            guard let next = job.state.applying(.requestCancel) else {
                throw .invalidTransition(job: job.id, from: job.state, action: "cancel")
            }
            if next == job.state { return nil }
            job.state = next
            if next.isFinished { job.finishedAt = Date() }
            return ("state", Self.stateData(job))
        }
        state.withLock { $0.controls[id] }?.stop(.cancel)
        return job
    }

    /// Runs a finished job again: its failed sources go back to pending, and every stage that ran
    /// runs again (finding only what is not done yet).
    @discardableResult
    public func retry(_ id: String) async throws(PipelineError) -> JobRecord {
        guard let current = try await store.job(id) else { throw .unknownJob(id) }
        guard current.state.applying(.retry) != nil else { throw .invalidTransition(job: id, from: current.state, action: "retry") }
        let reset = try await resetFailedSources(categories: current.categories.map(\.id))
        let job = try await update(id) { job throws(PipelineError) in
            guard let next = job.state.applying(.retry) else { throw .invalidTransition(job: job.id, from: job.state, action: "retry") }
            job.state = next
            job.attempt += 1
            job.error = nil
            job.finishedAt = nil
            for k in job.stages.indices where job.stages[k].state != .skipped {
                job.stages[k].state = .pending
                job.stages[k].failed = 0
                job.stages[k].errors = []
            }
            return ("state", Self.stateData(job))
        }
        logger.info("job retried", metadata: ["job": "\(id)", "sources_reset": "\(reset)"])
        wakeContinuation.yield()
        return job
    }

    // MARK: Running

    private func fill() async {
        let (running, shutting) = state.withLock { ($0.controls.count, $0.shuttingDown) }
        guard !shutting, running < maxConcurrentJobs else { return }
        let queued: [JobRecord]
        do {
            // Oldest first: the ledger lists newest first, so take its last page.
            var page = try await store.jobs(states: [.queued], limit: 1000)
            var oldest = page
            while page.count == 1000, let last = page.last {
                page = try await store.jobs(states: [.queued], beforeId: last.id, limit: 1000)
                if !page.isEmpty { oldest = page }
            }
            queued = oldest.reversed()
        } catch {
            logger.error("cannot read the job queue", metadata: ["error": "\(error)"])
            return
        }
        Gauge(label: "xpaste_jobs_queued").record(queued.count)
        for job in queued {
            let control = JobControl()
            let started = state.withLock { s -> Bool in
                guard !s.shuttingDown, s.controls.count < maxConcurrentJobs, s.controls[job.id] == nil else { return false }
                s.controls[job.id] = control
                return true
            }
            guard started else { continue }
            Task { await self.execute(job.id, control: control) }
        }
    }

    private func execute(_ id: String, control: JobControl) async {
        defer { finished(id) }
        var job: JobRecord
        do {
            job = try await update(id) { job throws(PipelineError) in
                guard let next = job.state.applying(.start) else { throw .invalidTransition(job: job.id, from: job.state, action: "start") }
                job.state = next
                job.startedAt = Date()
                job.finishedAt = nil
                return ("state", Self.stateData(job))
            }
        } catch {
            logger.warning("job not started", metadata: ["job": "\(id)", "error": "\(error)"])
            return
        }
        logger.info("job started", metadata: ["job": "\(id)", "pipeline": "\(job.pipeline)"])
        for index in job.stages.indices {
            let status = job.stages[index]
            guard [.pending, .running, .failed].contains(status.state) else { continue }
            guard control.shouldContinue else { break }
            do {
                job = try await runStage(index, of: job, control: control)
            } catch where error.isStop {
                break
            } catch {
                await fail(id, stage: status.id, error: error)
                return
            }
        }
        do {
            let final = try await update(id) { job throws(PipelineError) in
                let action: JobState.Action
                switch (control.stopReason, job.state) {
                case (_, .cancelling): action = .stopped
                case (.shutdown?, _): action = .interrupt
                case (.cancel?, _): action = .stopped
                case (nil, _): action = .succeed
                }
                guard let next = job.state.applying(action) else { return nil }
                job.state = next
                if next.isFinished { job.finishedAt = Date() }
                return ("state", Self.stateData(job))
            }
            if final.state.isFinished {
                Counter(label: "xpaste_jobs_finished_total", dimensions: [("state", final.state.rawValue)]).increment()
            }
            logger.info("job \(final.state.rawValue)", metadata: ["job": "\(id)"])
        } catch {
            logger.error("cannot record the end of a job", metadata: ["job": "\(id)", "error": "\(error)"])
        }
    }

    private func runStage(_ index: Int, of job: JobRecord, control: JobControl) async throws(PipelineError) -> JobRecord {
        let status = job.stages[index]
        guard let runner = runners[status.stage] else {
            throw .stageUnavailable(stage: status.stage.rawValue, message: "this build has no runner for it")
        }
        let plan: StagePlan? = status.stage == .models ? nil : try StagePlan.make(status.stage, parameters: status.parameters, path: "stages.\(status.id).with")
        let id = job.id
        var running = try await update(id) { job throws(PipelineError) in
            job.stages[index].state = .running
            job.stages[index].startedAt = Date()
            job.stages[index].finishedAt = nil
            return ("stage", Self.stageData(job.stages[index]))
        }
        let tracker = ProgressTracker()
        let lastSaved = Mutex<UInt64>(0)
        let lastLogged = Mutex<UInt64>(DispatchTime.now().uptimeNanoseconds)
        let counted = Mutex<Int>(0)
        let dimensions = [("stage", status.stage.rawValue)]
        let itemsCounter = Counter(label: "xpaste_stage_items_total", dimensions: dimensions)
        let failedCounter = Counter(label: "xpaste_stage_failed_items_total", dimensions: dimensions)
        let rateGauge = Gauge(label: "xpaste_stage_items_per_second", dimensions: dimensions)
        let saver = ProgressSaver { [self] report in
            do {
                let saved = try await self.update(id) { job throws(PipelineError) in
                    let before = job.stages[index].failed
                    job.stages[index] = tracker.apply(report, to: job.stages[index])
                    if job.stages[index].failed > before { failedCounter.increment(by: Int64(job.stages[index].failed - before)) }
                    return ("progress", Self.stageData(job.stages[index]))
                }
                rateGauge.record(saved.stages[index].itemsPerSecond)
                let now = DispatchTime.now().uptimeNanoseconds
                let logNow = lastLogged.withLock { last -> Bool in
                    guard now - last >= 10_000_000_000 else { return false }
                    last = now
                    return true
                }
                if logNow {
                    let st = saved.stages[index]
                    self.logger.info("stage progress", metadata: [
                        "job": "\(id)", "stage": "\(st.id)", "done": "\(st.done)", "total": "\(st.total)", "failed": "\(st.failed)",
                        "items_per_s": "\(String(format: "%.2f", st.itemsPerSecond))",
                        "eta_s": "\(st.etaSeconds.map { String(format: "%.0f", $0) } ?? "-")",
                        "errors": "\(st.errors.map { "\($0.code)=\($0.count)" }.joined(separator: ","))",
                    ])
                }
            } catch {
                self.logger.warning("cannot record progress", metadata: ["job": "\(id)", "error": "\(error)"])
            }
        }
        let progress: StageProgress.Handler = { report in
            // Counters move by what this report adds, whatever the save throttle keeps.
            let newItems = counted.withLock { c -> Int in
                defer { c = report.done }
                return max(0, report.done - c)
            }
            if newItems > 0 { itemsCounter.increment(by: Int64(newItems)) }
            let now = DispatchTime.now().uptimeNanoseconds
            let due = lastSaved.withLock { last -> Bool in
                guard now - last >= 300_000_000 || report.done >= report.total else { return false }
                last = now
                return true
            }
            if due { saver.offer(report) }
        }
        let context = StageRunContext(environment: environment, progress: progress, shouldContinue: { control.shouldContinue })
        let locked: Set<Int64> = [.ingest, .extract, .filter].contains(status.stage) ? Set(job.categories.map(\.id)) : []
        await locks.acquire(locked)
        let result: Result<String, PipelineError>
        do throws(PipelineError) {
            result = .success(try await runner.run(plan, status: status, job: running, context: context))
        } catch {
            result = .failure(error)
        }
        await locks.release(locked)
        // The stage's last progress is saved before its end, never after.
        await saver.flush()
        if case .failure(let error) = result, error.isStop {
            // Stopped at a boundary: the stage is not running any more, and runs on when resumed.
            _ = try await update(id) { job throws(PipelineError) in
                job.stages[index].state = .pending
                job.stages[index].etaSeconds = nil
                return ("stage", Self.stageData(job.stages[index]))
            }
        }
        let detail = try result.get()
        logger.info("stage done", metadata: ["job": "\(id)", "stage": "\(status.id)", "summary": "\(detail)"])
        running = try await update(id) { job throws(PipelineError) in
            job.stages[index].state = .done
            job.stages[index].finishedAt = Date()
            job.stages[index].detail = detail
            job.stages[index].etaSeconds = nil
            return ("stage", Self.stageData(job.stages[index]))
        }
        return running
    }

    private func fail(_ id: String, stage: String, error: PipelineError) async {
        logger.error("job failed", metadata: ["job": "\(id)", "stage": "\(stage)", "code": "\(error.code)", "error": "\(error.description)"])
        do {
            try await update(id) { job throws(PipelineError) in
                if let k = job.stages.firstIndex(where: { $0.id == stage }) {
                    job.stages[k].state = .failed
                    job.stages[k].finishedAt = Date()
                }
                job.error = JobRecord.JobFailure(stage: stage, code: error.code, message: error.description)
                guard let next = job.state.applying(.fail) else { return nil }
                job.state = next
                job.finishedAt = Date()
                return ("state", Self.stateData(job))
            }
            Counter(label: "xpaste_jobs_finished_total", dimensions: [("state", JobState.failed.rawValue)]).increment()
        } catch {
            logger.error("cannot record a job failure", metadata: ["job": "\(id)", "error": "\(error)"])
        }
    }

    private func finished(_ id: String) {
        let waiters = state.withLock { s -> [@Sendable () -> Void] in
            s.controls.removeValue(forKey: id)
            guard s.controls.isEmpty else { return [] }
            defer { s.drained.removeAll() }
            return s.drained
        }
        for w in waiters { w() }
        wakeContinuation.yield()
    }

    private func beginShutdown() {
        let controls = state.withLock { s -> [JobControl] in
            s.shuttingDown = true
            return Array(s.controls.values)
        }
        for c in controls { c.stop(.shutdown) }
        wakeContinuation.yield()
    }

    /// Waits until no job runs, or `timeout` passes (a stage in a long uninterruptible call, such as
    /// a composite run, is then left to the process exit; its job is re-queued at the next start).
    private func drain(timeout: Duration) async {
        let once = Mutex(false)
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resume: @Sendable () -> Void = {
                let first = once.withLock { done -> Bool in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume() }
            }
            let idle = state.withLock { s -> Bool in
                if s.controls.isEmpty { return true }
                s.drained.append(resume)
                return false
            }
            if idle {
                resume()
                return
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { resume() }
        }
    }

    // MARK: Documents

    /// Reads, changes and saves one job under the runner's write lock, so the runner and client
    /// requests never overwrite each other's changes. `body` returns the event to record, or nil
    /// to save nothing.
    @discardableResult
    func update(
        _ id: String, _ body: (inout JobRecord) throws(PipelineError) -> (kind: String, data: PipelineValue)?
    ) async throws(PipelineError) -> JobRecord {
        try await writes.withLock { () async throws(PipelineError) -> JobRecord in
            guard var job = try await store.job(id) else { throw .unknownJob(id) }
            if let event = try body(&job) { try await store.save(job, event: event.kind, data: event.data) }
            return job
        }
    }

    private func resetFailedSources(categories: [Int64]) async throws(PipelineError) -> Int {
        guard !categories.isEmpty else { return 0 }
        let bank = environment.bank
        var reset = 0
        var after: Int64 = 0
        do {
            while true {
                let page = try await bank.sources(
                    status: .failed, kinds: [.crawled, .generated, .uploaded], categoryIds: categories, afterId: after, limit: 1000)
                guard let last = page.last else { break }
                after = last.id
                try await bank.write { writer in
                    for s in page { try writer.updateSource(id: s.id, status: .pending, error: nil, clipScore: s.clipScore) }
                }
                reset += page.count
            }
        } catch let error as BankError {
            throw .store(error)
        } catch {
            throw .store(.database("\(error)"))
        }
        return reset
    }

    static func stateData(_ job: JobRecord) -> PipelineValue {
        var o: [String: PipelineValue] = ["state": .string(job.state.rawValue), "attempt": .int(Int64(job.attempt))]
        if let e = job.error {
            o["error"] = .object(["code": .string(e.code), "message": .string(e.message), "stage": e.stage.map(PipelineValue.string) ?? .null])
        }
        return .object(o)
    }

    static func stageData(_ stage: StageStatus) -> PipelineValue {
        guard let data = try? JobStore.encoder.encode(stage), let value = try? PipelineValue.json(data) else { return .null }
        return value
    }
}
