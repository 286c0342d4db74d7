import Foundation
import XPasteInference
import XPasteStages

/// Runs `extract` over the pending sources of the job's categories, on the shared device queue.
public struct ExtractStageRunner: PipelineStageRunner {
    public var kind: StageKind { .extract }

    /// A runner.
    public init() {}

    public func run(_ plan: StagePlan?, status: StageStatus, job: JobRecord, context: StageRunContext) async throws(PipelineError) -> String {
        guard case .extract(let p)? = plan else { throw .stage(code: "stage.invalid_argument", message: "extract stage without its plan") }
        let env = context.environment
        let extractor: InstanceExtractor
        do throws(InferenceError) {
            let loader = SegmenterLoader(directory: env.models, options: env.sessionOptions)
            let runtime = env.runtime
            let segmenters = try loader.load(p.segmenters, environment: { () throws(InferenceError) in try runtime.environment() }, logger: env.logger)
            let scorer = try p.effectiveCLIP.map { name throws(InferenceError) in
                try CLIPScorer(
                    named: name, in: env.models, environment: runtime.environment(), options: env.sessionOptions, maxBatch: 32,
                    logger: env.logger)
            }
            extractor = try InstanceExtractor(segmenters: segmenters, scorer: scorer, threshold: UInt8(p.threshold))
        } catch {
            throw .from(error)
        }
        let stage = ExtractStage(bank: env.bank, extractor: extractor, executor: env.deviceQueue, logger: env.logger)
        do throws(StageError) {
            let summary = try await stage.run(
                ExtractStage.Options(categoryIds: job.categories.map(\.id), batchSize: p.batchSize, decodeLimits: env.decodeLimits, jobId: job.id),
                progress: context.progress, shouldContinue: context.shouldContinue)
            return "\(summary.instances) new instances from \(summary.sources) sources, \(summary.empty) without an object, \(summary.failures.count) failed"
        } catch {
            throw .from(error)
        }
    }
}
