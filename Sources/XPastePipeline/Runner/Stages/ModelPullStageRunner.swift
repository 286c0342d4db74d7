import Foundation
import XPasteInference
import XPasteStages

/// Runs `models` (added for `pull_missing`): downloads the catalogue models the job needs that are
/// not installed, with their checksums checked, reporting bytes as progress.
public struct ModelPullStageRunner: PipelineStageRunner {
    public var kind: StageKind { .models }

    /// A runner.
    public init() {}

    public func run(_ plan: StagePlan?, status: StageStatus, job: JobRecord, context: StageRunContext) async throws(PipelineError) -> String {
        guard case .array(let names)? = status.parameters.objectValue?["pull"] else {
            throw .stage(code: "stage.invalid_argument", message: "models stage without its list of models")
        }
        let env = context.environment
        let downloader = ModelDownloader(directory: env.models)
        var pulled: [String] = []
        for (k, value) in names.enumerated() {
            guard context.shouldContinue() else { throw .from(StageError.stopped) }
            guard let name = value.stringValue, let entry = env.modelCatalog[name] else {
                throw .missingModels([.init(name: value.stringValue ?? "?", stage: status.id, remedy: "not in the model catalogue")])
            }
            let total = names.count, progress = context.progress
            do throws(InferenceError) {
                _ = try await downloader.pull(entry, logger: env.logger) { path, received, size in
                    progress(StageProgress(
                        stage: "models", done: k, total: total,
                        detail: "\(name)/\(path): \(received >> 20) MiB" + (size.map { " of \($0 >> 20) MiB" } ?? "")))
                }
            } catch {
                throw .from(error)
            }
            pulled.append(name)
            context.progress(StageProgress(stage: "models", done: k + 1, total: total, detail: "pulled \(pulled.joined(separator: ", "))"))
        }
        return "pulled \(pulled.joined(separator: ", "))"
    }
}
