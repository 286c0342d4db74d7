import Foundation
import XPasteStages

/// Runs `ingest`: records a server-side folder's images as sources of the job's categories.
/// Without a folder there is nothing to do (the job works on what was uploaded).
public struct IngestStageRunner: PipelineStageRunner {
    public var kind: StageKind { .ingest }

    /// A runner.
    public init() {}

    public func run(_ plan: StagePlan?, status: StageStatus, job: JobRecord, context: StageRunContext) async throws(PipelineError) -> String {
        guard case .ingest(let p)? = plan else { throw .stage(code: "stage.invalid_argument", message: "ingest stage without its plan") }
        guard let folder = p.folder else {
            context.progress(StageProgress(stage: "ingest", done: 0, total: 0, detail: "no folder: uploads only"))
            return "no folder: uploads only"
        }
        let env = context.environment
        let url = try env.paths.resolve(folder, field: "stages.\(status.id).with.folder")
        let bank = env.bank
        var categories: [(id: Int64, names: [String])] = []
        for c in job.categories {
            let synonyms = (try? await bank.category(id: c.id))??.synonyms ?? []
            categories.append((c.id, [c.name] + synonyms))
        }
        let paths = env.paths
        let stage = IngestStage(bank: bank, limits: env.decodeLimits, logger: env.logger)
        do throws(StageError) {
            let summary = try await stage.run(
                IngestStage.Options(
                    folder: url, recursive: p.recursive, categories: categories, maxFiles: p.maxFiles, batchSize: p.batchSize,
                    jobId: job.id, isAllowed: { paths.allows($0) }),
                progress: context.progress, shouldContinue: context.shouldContinue)
            let skipped = summary.skipped.values.reduce(0, +)
            return "\(summary.recorded) new sources, \(summary.duplicates) already in the bank, \(summary.failed) refused, \(skipped) skipped"
        } catch {
            throw .from(error)
        }
    }
}
