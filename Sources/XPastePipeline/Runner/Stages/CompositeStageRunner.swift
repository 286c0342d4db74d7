import Foundation
import Logging
import XPasteBank
import XPasteCompositor
import XPasteLVIS
import XPasteStages

/// Runs `composite`: pastes accepted bank instances onto backgrounds and writes the dataset to
/// `<data>/datasets/<job id>/`. Output depends only on the parameters, the seed and the bank, so
/// a composite interrupted by a crash is simply run again over the same folder and ends as an
/// uninterrupted run would have.
public struct CompositeStageRunner: PipelineStageRunner {
    public var kind: StageKind { .composite }

    /// A runner.
    public init() {}

    public func run(_ plan: StagePlan?, status: StageStatus, job: JobRecord, context: StageRunContext) async throws(PipelineError) -> String {
        guard case .composite(let p)? = plan else { throw .stage(code: "stage.invalid_argument", message: "composite stage without its plan") }
        let env = context.environment
        let field = "stages.\(status.id).with"
        let backgrounds = try p.backgrounds.map { path throws(PipelineError) in try env.paths.resolve(path, field: "\(field).backgrounds") }
        let annotations = try p.annotations.map { path throws(PipelineError) in try env.paths.resolve(path, field: "\(field).annotations") }
        let sizePrior = try p.sizePrior.map { path throws(PipelineError) in try env.paths.resolve(path, field: "\(field).size_prior") }
        let output = env.datasetsFolder.appendingPathComponent(job.datasetName, isDirectory: true)
        let categoryIds = p.onlyJobCategories && !job.categories.isEmpty ? job.categories.map(\.id) : nil
        let threads = p.threads > 0 ? p.threads : (env.cpuThreads > 0 ? env.cpuThreads : ProcessInfo.processInfo.activeProcessorCount)
        let progress = context.progress, shouldContinue = context.shouldContinue
        let bank = env.bank, logger = env.logger
        do throws(CompositorError) {
            let summary = try await BlockingWork.run { () throws(CompositorError) -> CompositeSummary in
                let filter = BankCutoutSource.Filter(categoryIDs: categoryIds, minClipScore: p.minClipScore)
                let cutouts = BankCutoutSource(bank: bank, filter: filter)
                let backgroundSource: any BackgroundSource
                var backgroundCategories: [LVISCategory]?
                var licenses: [LVISLicense] = []
                var backgroundPrior: LVISSizePrior?
                if let annotations, let backgrounds {
                    let annotated = try AnnotatedBackgrounds(annotations: annotations, imageRoot: backgrounds, limit: p.images)
                    backgroundCategories = annotated.categories
                    licenses = annotated.licenses
                    do {
                        backgroundPrior = try LVISSizePrior.compute(fromFileAt: annotations).prior
                    } catch {
                        throw .invalidBackground("size statistics of \(annotations.lastPathComponent): \(error)")
                    }
                    backgroundSource = annotated
                } else if let backgrounds {
                    backgroundSource = try FolderBackgrounds(folder: backgrounds)
                } else {
                    backgroundSource = try BankBackgrounds(bank: bank)
                }
                var filePrior: (LVISSizePrior, String)?
                if let sizePrior {
                    do {
                        filePrior = (try LVISSizePrior(contentsOf: sizePrior), sizePrior.lastPathComponent)
                    } catch {
                        throw .invalidSizePrior("\(sizePrior.lastPathComponent): \(error)")
                    }
                }
                // The bank's LVIS categories (loaded from the LVIS list) are the output vocabulary, as
                // for `xpaste composite` without --categories.
                let known: [BankCategory]
                do throws(BankError) {
                    known = try BlockingBankReader(bank).categories().filter { !$0.isUserDefined && $0.synset != nil && $0.frequency != nil }
                } catch {
                    throw .bank(error)
                }
                let vocabulary = try OutputVocabulary.make(
                    format: p.compositor.format, backgroundCategories: backgroundCategories, licenses: licenses,
                    lvisCategories: known.isEmpty ? nil : known.map(\.lvisCategory), catalog: cutouts.catalog())
                // A run interrupted by a crash or a stop continues from its staging folder when its
                // inputs are unchanged; otherwise it starts over.
                func makeRun(resume: Bool) throws(CompositorError) -> CompositeRun {
                    let request = CompositeRequest(
                        parameters: p.compositor, seed: p.seed, imageCount: p.images, outputDirectory: output, jobs: threads,
                        cacheBytes: p.cacheMb << 20, overwrite: true, resume: resume, maxSkipped: p.maxSkipped)
                    return try CompositeRun(
                        request: request, backgrounds: backgroundSource, cutouts: cutouts, vocabulary: vocabulary,
                        backgroundPrior: backgroundPrior, filePrior: filePrior, logger: logger)
                }
                func execute(_ run: CompositeRun) throws(CompositorError) -> CompositeSummary {
                    let total = run.imageCount
                    var last = DispatchTime.now().uptimeNanoseconds
                    progress(StageProgress(stage: "composite", done: 0, total: total, detail: "pool of \(run.poolSize) instances"))
                    return try run.run(progress: { step in
                        let now = DispatchTime.now().uptimeNanoseconds
                        guard now - last > 250_000_000 || step.images == step.total else { return }
                        last = now
                        progress(StageProgress(
                            stage: "composite", done: step.images, total: step.total, detail: "\(step.annotations) annotations"))
                    }, shouldContinue: shouldContinue)
                }
                do throws(CompositorError) {
                    return try execute(try makeRun(resume: true))
                } catch {
                    guard case .cannotResume = error else { throw error }
                    logger.notice("the interrupted composite was made from other inputs: starting over", metadata: ["folder": "\(output.path)"])
                    return try execute(try makeRun(resume: false))
                }
            }
            let c = summary.counts
            return "\(c.images) images, \(c.annotations) annotations (\(c.pastedAnnotations) pasted) in datasets/\(job.datasetName)"
        } catch {
            // A stop at an image boundary is a stage stop: the job resumes from the staging folder.
            if case .stopped = error { throw .from(StageError.stopped) }
            throw .from(error)
        }
    }
}
