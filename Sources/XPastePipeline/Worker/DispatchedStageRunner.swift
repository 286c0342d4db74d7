import Foundation
import Logging
import XPasteBank
import XPasteStages

/// Runs a stage on workers instead of in the server: the stage's work is queued as items — one
/// per category for generate, extract and filter, one for a composite — and the runner waits for
/// them, reporting items done as progress. Items are named by job, attempt, stage and category,
/// so a server restarted mid-stage queues nothing twice; a retried job (a new attempt) queues
/// afresh, and its workers find only what is not done yet, because every stage commits each
/// batch's results with the marks that say those items are done.
public struct DispatchedStageRunner: PipelineStageRunner {
    /// The stage kind it sends to workers.
    public let kind: StageKind
    /// The queue workers take items from.
    public let queue: any WorkQueue
    /// How often it looks at the items' states.
    public let pollInterval: Duration
    /// Attempts an item gets (a worker that dies or fails it hands it to the next).
    public let maxAttempts: Int

    /// The stages workers can take.
    public static let dispatchable: [StageKind] = [.generate, .extract, .filter, .composite]

    /// A runner for `kind`'s items on `queue`.
    public init(kind: StageKind, queue: any WorkQueue, pollInterval: Duration = .milliseconds(250), maxAttempts: Int = 3) {
        self.kind = kind
        self.queue = queue
        self.pollInterval = pollInterval
        self.maxAttempts = maxAttempts
    }

    /// The work items of `job`'s stage `index`.
    public static func items(
        of job: JobRecord, stage index: Int, environment: PipelineEnvironment, maxAttempts: Int
    ) throws(PipelineError) -> [NewWorkItem] {
        let status = job.stages[index]
        let groups: [[JobCategory]] = status.stage == .composite || job.categories.isEmpty ? [job.categories] : job.categories.map { [$0] }
        var out: [NewWorkItem] = []
        for group in groups {
            var narrowed = job
            narrowed.categories = group
            let payload = PipelineWorkItem(
                job: narrowed, stageIndex: index, dataFolder: environment.dataFolder.path, allowedRoots: environment.paths.roots.map(\.path))
            let data: Data
            do { data = try payload.encoded() } catch { throw .invalidRequest(field: "$", message: "cannot encode a work item: \(error)") }
            let part = group.map { String($0.id) }.joined(separator: ",")
            out.append(NewWorkItem(
                id: NewWorkItem.id(stage: status.stage.rawValue, [job.id, String(job.attempt), status.id, part]),
                jobId: job.id, stage: status.stage.rawValue, payload: data, maxAttempts: maxAttempts))
        }
        return out
    }

    public func run(_ plan: StagePlan?, status: StageStatus, job: JobRecord, context: StageRunContext) async throws(PipelineError) -> String {
        guard let index = job.stages.firstIndex(where: { $0.id == status.id }) else {
            throw .stageUnavailable(stage: status.stage.rawValue, message: "stage \(status.id) is not in job \(job.id)")
        }
        let items = try Self.items(of: job, stage: index, environment: context.environment, maxAttempts: maxAttempts)
        let ids = Set(items.map(\.id))
        let logger = context.environment.logger
        do {
            let added = try await queue.enqueue(items)
            logger.info("stage queued for workers", metadata: [
                "job": "\(job.id)", "stage": "\(status.id)", "items": "\(items.count)", "new": "\(added)"])
            while true {
                guard context.shouldContinue() else {
                    // Items not yet taken are withdrawn; taken ones finish (their results are the
                    // bank's, idempotent), and a resumed job queues what is left again.
                    _ = try await queue.removeItems(jobId: job.id)
                    throw PipelineError.stage(code: StageError.stopped.code, message: StageError.stopped.description)
                }
                var records: [WorkItemRecord] = []
                var after: String?
                repeat {
                    let page = try await queue.items(jobId: job.id, state: nil, afterId: after, limit: 1000)
                    records += page.filter { ids.contains($0.id) }
                    after = page.count == 1000 ? page.last?.id : nil
                } while after != nil
                let done = records.filter { $0.state == .done }
                let failed = records.filter { $0.state == .failed }
                context.progress(StageProgress(
                    stage: status.stage.rawValue, done: done.count + failed.count, total: items.count,
                    detail: "\(done.count) of \(items.count) items done on workers", failed: failed.count))
                if let first = failed.first, done.count + failed.count == items.count {
                    throw PipelineError.stage(
                        code: "stage.worker_failed",
                        message: "\(failed.count) of \(items.count) items failed on workers; first: \(first.error ?? "no message") (item \(first.id))")
                }
                if done.count == items.count {
                    let summaries = done.compactMap { $0.result.map { String(decoding: $0, as: UTF8.self) } }
                    return "\(items.count) items on workers: " + summaries.joined(separator: "; ")
                }
                if records.count < items.count {
                    // Withdrawn by a cancel that then was retried, or removed by hand: queue them again.
                    _ = try await queue.enqueue(items)
                }
                try? await Task.sleep(for: pollInterval)
            }
        } catch let error as PipelineError {
            throw error
        } catch let error as WorkQueueError {
            throw .stage(code: error.code, message: error.description)
        } catch {
            throw .stage(code: "stage.worker_failed", message: "\(error)")
        }
    }
}
