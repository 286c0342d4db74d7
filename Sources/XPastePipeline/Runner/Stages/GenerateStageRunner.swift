import Foundation
import Synchronization
import XPasteInference
import XPasteStages

/// Runs `generate`: draws each category's images with Stable Diffusion on the shared device queue.
/// A loaded model stays loaded for later jobs (creating GPU sessions takes seconds to minutes), one
/// model at a time: asking for another releases the first.
public final class GenerateStageRunner: PipelineStageRunner {
    public var kind: StageKind { .generate }
    private let loaded = Mutex<(folder: String, model: StableDiffusionModel)?>(nil)

    /// A runner.
    public init() {}

    public func run(_ plan: StagePlan?, status: StageStatus, job: JobRecord, context: StageRunContext) async throws(PipelineError) -> String {
        guard case .generate(let p)? = plan else { throw .stage(code: "stage.invalid_argument", message: "generate stage without its plan") }
        let env = context.environment
        let folder: String
        if p.model.hasPrefix("/") {
            folder = try env.paths.resolve(p.model, field: "stages.\(status.id).with.model").path
        } else {
            do throws(InferenceError) {
                _ = try env.models.installedModel(named: p.model, family: .stableDiffusion)
            } catch {
                throw .from(error)
            }
            folder = env.models.folder(of: p.model).path
        }
        let model = try await load(folder, env: env)
        let stage = GenerateStage(bank: env.bank, pipeline: StableDiffusionPipeline(model: model, logger: env.logger), executor: env.deviceQueue, logger: env.logger)
        do throws(StageError) {
            let summary = try await stage.run(
                GenerateStage.Options(categories: job.categories.map { ($0.id, $0.name) }, parameters: p, modelId: p.model, jobId: job.id),
                progress: context.progress, shouldContinue: context.shouldContinue)
            return "\(summary.generated) images generated, \(summary.alreadyStored) already stored, \(summary.duplicates) duplicates"
                + String(format: " (%.2f steps/s)", summary.timings.stepsPerSecond)
        } catch {
            throw .from(error)
        }
    }

    private func load(_ folder: String, env: PipelineEnvironment) async throws(PipelineError) -> StableDiffusionModel {
        if let model = loaded.withLock({ $0?.folder == folder ? $0?.model : nil }) { return model }
        loaded.withLock { $0 = nil }
        let runtime = env.runtime, options = env.sessionOptions, logger = env.logger
        do {
            let model = try await env.deviceQueue.perform { () throws(InferenceError) -> StableDiffusionModel in
                try StableDiffusionModel(folder: folder, environment: runtime.environment(), options: options, logger: logger)
            }
            loaded.withLock { $0 = (folder, model) }
            return model
        } catch {
            throw .from(error)
        }
    }
}
