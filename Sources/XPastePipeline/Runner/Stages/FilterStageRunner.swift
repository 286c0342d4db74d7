import Foundation
import XPasteInference
import XPasteStages

/// Runs `filter` (X-Paste's CLIP keep rule) over the job's categories, on the shared device queue.
public struct FilterStageRunner: PipelineStageRunner {
    public var kind: StageKind { .filter }

    /// A runner.
    public init() {}

    public func run(_ plan: StagePlan?, status: StageStatus, job: JobRecord, context: StageRunContext) async throws(PipelineError) -> String {
        guard case .filter(let p)? = plan else { throw .stage(code: "stage.invalid_argument", message: "filter stage without its plan") }
        let env = context.environment
        let scorer: CLIPScorer
        do throws(InferenceError) {
            scorer = try CLIPScorer(
                named: p.clip, in: env.models, environment: env.runtime.environment(), options: env.sessionOptions,
                maxBatch: p.batchSize, logger: env.logger)
        } catch {
            throw .from(error)
        }
        let stage = FilterStage(bank: env.bank, scorer: scorer, executor: env.deviceQueue, logger: env.logger)
        do throws(StageError) {
            let summary = try await stage.run(
                FilterStage.Options(categoryIds: job.categories.map(\.id), rule: p.rule, batchSize: p.batchSize, decodeLimits: env.decodeLimits,
                    scoring: p.scoring),
                progress: context.progress, shouldContinue: context.shouldContinue)
            return "\(summary.accepted) accepted, \(summary.rejected) rejected"
        } catch {
            throw .from(error)
        }
    }
}
