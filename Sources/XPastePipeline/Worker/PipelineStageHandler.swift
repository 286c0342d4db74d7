import Foundation
import Logging
import XPasteBank
import XPasteStages

/// A pipeline stage as a worker runs it: decodes the item the server queued
/// (`DispatchedStageRunner`), and runs the same stage runner the server would have run, against
/// the shared bank, with this worker's models and device. Results commit batch by batch with the
/// marks that say what is done, so an item a dead worker left half done is finished by the next
/// one without duplicates.
public struct PipelineStageHandler: WorkItemHandler {
    /// The stage runner doing the work.
    public let runner: any PipelineStageRunner
    /// The worker's environment; each item runs in it with the server's data folder and paths.
    public let environment: PipelineEnvironment

    public var stage: String { runner.kind.rawValue }

    /// A handler running `runner`'s stage in `environment`.
    public init(runner: any PipelineStageRunner, environment: PipelineEnvironment) {
        self.runner = runner
        self.environment = environment
    }

    /// Handlers for `stages`, from the runners this build has.
    public static func handlers(for stages: [StageKind], environment: PipelineEnvironment) -> [PipelineStageHandler] {
        stages.compactMap { kind in
            JobRunner.builtInStages.first { $0.kind == kind }.map { PipelineStageHandler(runner: $0, environment: environment) }
        }
    }

    public func perform(_ item: WorkItem, logger: Logger) async throws -> Data? {
        let payload: PipelineWorkItem
        do {
            payload = try PipelineWorkItem.decode(item.payload)
        } catch {
            throw WorkItemFailure("item \(item.id): not a pipeline work item: \(error)", retryable: false)
        }
        guard payload.job.stages.indices.contains(payload.stageIndex), payload.status.stage == runner.kind else {
            throw WorkItemFailure("item \(item.id): its stage is not \(runner.kind.rawValue)", retryable: false)
        }
        let status = payload.status
        let e = environment
        let dataFolder = URL(fileURLWithPath: payload.dataFolder)
        let roots = payload.allowedRoots.map { URL(fileURLWithPath: $0) }
        let local = PipelineEnvironment(
            bank: e.bank, models: e.models, dataFolder: dataFolder, paths: PathPolicy(roots: roots.isEmpty ? [dataFolder] : roots, base: dataFolder),
            deviceQueue: e.deviceQueue, sessionOptions: e.sessionOptions, runtime: e.runtime, cpuThreads: e.cpuThreads,
            decodeLimits: e.decodeLimits, modelCatalog: e.modelCatalog, logger: logger)
        do throws(PipelineError) {
            let plan: StagePlan? = status.stage == .models ? nil : try StagePlan.make(status.stage, parameters: status.parameters, path: "stages.\(status.id).with")
            // A worker asked to stop (its own shutdown) stops at the next batch boundary; what
            // committed stays, and the item goes back to the queue.
            let context = StageRunContext(environment: local, progress: { _ in }, shouldContinue: { !Task.isCancelled })
            let summary = try await runner.run(plan, status: status, job: payload.job, context: context)
            logger.info("item done", metadata: ["item": "\(item.id)", "stage": "\(status.id)", "summary": "\(summary)"])
            return Data(summary.utf8)
        } catch {
            // Retried on another attempt (maybe another worker, with the models this one lacks),
            // except a plan the server should never have sent.
            let retryable = !error.code.hasPrefix("job.") && !error.code.hasPrefix("path.")
            throw WorkItemFailure("\(error.code): \(error.description)", retryable: retryable)
        }
    }
}
