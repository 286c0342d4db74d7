import ArgumentParser
import Foundation
import XPasteBank
import XPasteInference
import XPastePipeline
import XPasteStages

/// `xpaste generate`: draw images of each category with Stable Diffusion into the bank.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Draw images of each category with Stable Diffusion (ONNX Runtime, CPU or GPU) into the bank.",
        discussion: """
            Reads a Stable Diffusion folder as `optimum-cli export onnx` writes it (text_encoder/, unet/, vae_decoder/, \
            tokenizer/, scheduler/; SD 1.x, 2.x and sd-turbo; fp32 or fp16, dtypes read from the model). Each image is \
            drawn from its own seed (derived from --seed, the category name and the image's index, so a re-run \
            continues where the last stopped and redraws nothing), prompted with --prompt-template, and stored as a \
            pending `generated` source with its prompt, negative prompt, seed, model, scheduler, steps and guidance. \
            X-Paste's settings are the defaults: SD 1.5, "a photo of a single {name}", DPM-Solver++ 2M, 50 steps, \
            guidance 7.5, 512×512. sd-turbo: --model sd-turbo --steps 1 --guidance 0 --scheduler euler. \
            Progress (steps and images) goes to stderr, the summary with timings to stdout.
            """)

    @OptionGroup var location: BankLocationOptions

    @Option(name: .customLong("category"), parsing: .upToNextOption, help: "Category names (created in the bank when missing).")
    var categories: [String] = []

    @Option(help: "Images wanted per category (generated images already stored count).")
    var count = GenerateParameters().count

    @Option(help: "A Stable Diffusion folder: a name in the models folder (xpaste models pull sd-1.5) or a path.")
    var model = GenerateParameters().model

    @Option(name: .customLong("models"), help: "Models folder (default: $XPASTE_MODELS, else ./models).")
    var modelsPath: String?

    @Option(help: "Denoising steps.")
    var steps = GenerateParameters().steps

    @Option(help: "Scheduler: dpmpp-2m, ddim, euler, euler-a or pndm.")
    var scheduler = GenerateParameters().scheduler

    @Option(help: "Classifier-free guidance scale (1 or less: no guidance).")
    var guidance = GenerateParameters().guidance

    @Option(help: "Base seed.")
    var seed = GenerateParameters().seed

    @Option(help: "Images per UNet batch (and per bank transaction).")
    var batch = GenerateParameters().batchSize

    @Option(help: "Image width in pixels, a multiple of 8.")
    var width = GenerateParameters().width

    @Option(help: "Image height in pixels, a multiple of 8.")
    var height = GenerateParameters().height

    @Option(help: "Prompt; {name} is the category name with underscores as spaces.")
    var promptTemplate = GenerateParameters().promptTemplate

    @Option(help: "Negative prompt.")
    var negativePrompt = GenerateParameters().negativePrompt

    @Option(help: "Execution provider: cpu, cuda[:N] or tensorrt[:N].")
    var provider = "cpu"

    @Flag(help: "Run on the CPU when the requested provider cannot be used, instead of failing.")
    var allowCpuFallback = false

    @Option(help: "Threads per model run (0: ONNX Runtime's choice).")
    var threads = 0

    @Option(help: "Also write every image to this folder as <category>-<k>-<seed>.png.")
    var output: String?

    @Option(help: "Denoising steps of an untimed warm-up batch run before the first image (keeps provider start-up, such as cuDNN's algorithm search, out of the timings); 0: none.")
    var warmupSteps = 0

    @Flag(help: "Print the summary as JSON.")
    var json = false

    var parameters: GenerateParameters {
        var p = GenerateParameters()
        p.model = model.contains("/") ? URL(fileURLWithPath: model).standardizedFileURL.path : model
        p.count = count
        p.steps = steps
        p.scheduler = scheduler
        p.guidance = guidance
        p.seed = seed
        p.batchSize = batch
        p.width = width
        p.height = height
        p.promptTemplate = promptTemplate
        p.negativePrompt = negativePrompt
        return p
    }

    func validate() throws {
        guard !categories.isEmpty else { throw ValidationError("name at least one --category") }
        if let problem = parameters.problem() {
            throw ValidationError("--" + problem.replacingOccurrences(of: "batch_size", with: "batch").replacingOccurrences(of: "_", with: "-"))
        }
        guard ExecutionProvider(parsing: provider) != nil else {
            throw ValidationError("unknown provider \"\(provider)\"; expected cpu, cuda[:N] or tensorrt[:N]")
        }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 or more") }
        guard (0...1000).contains(warmupSteps) else { throw ValidationError("--warmup-steps must be in 0…1000") }
    }

    func run() async throws {
        let logger = location.logger
        let p = parameters
        let bank = try location.open(create: true)
        let outputFolder = output.map { URL(fileURLWithPath: $0, isDirectory: true) }
        let summary = try await StageCLI.run { () async throws -> GenerateStage.Summary in
            let directory = modelsPath.map { ModelsDirectory(root: URL(fileURLWithPath: $0)) } ?? ModelsDirectory()
            let folder: String
            if p.model.hasPrefix("/") {
                folder = p.model
            } else {
                _ = try directory.installedModel(named: p.model, family: .stableDiffusion)
                folder = directory.folder(of: p.model).path
            }
            if let outputFolder {
                do {
                    try FileManager.default.createDirectory(at: outputFolder, withIntermediateDirectories: true)
                } catch {
                    throw StageError.invalidArgument("cannot create --output \(outputFolder.path): \(error.localizedDescription)")
                }
            }
            let chosen = ExecutionProvider(parsing: provider) ?? .cpu
            let options = SessionOptions(
                intraOpThreads: threads, providers: chosen == .cpu ? [.cpu] : [chosen, .cpu], allowProviderFallback: allowCpuFallback)
            let executor = InferenceExecutor()
            let model = try await executor.perform { () throws(InferenceError) -> StableDiffusionModel in
                try StableDiffusionModel(folder: folder, environment: InferenceEnvironment(runtime: OnnxRuntime.discover()), options: options, logger: logger)
            }
            logger.notice("model loaded", metadata: ["model": "\(folder)", "providers": "\(model.providers.joined(separator: ","))"])
            let pipeline = StableDiffusionPipeline(model: model, logger: logger)
            if warmupSteps > 0 {
                let warmup = GenerationRequest(
                    prompts: Array(repeating: p.prompt(for: categories[0]), count: p.batchSize), seeds: Array(repeating: 0, count: p.batchSize),
                    negativePrompt: p.negativePrompt, steps: warmupSteps, guidance: p.guidance, scheduler: p.schedulerKind ?? .dpmSolverPlusPlus2M,
                    width: p.width, height: p.height)
                _ = try await executor.perform { () throws(InferenceError) in try pipeline.generate(warmup) }
            }
            let cats = try await bank.write { w in try categories.map { try w.userCategory(named: $0) } }
            let stage = GenerateStage(bank: bank, pipeline: pipeline, executor: executor, logger: logger)
            defer { StageCLI.endProgress() }
            return try await stage.run(
                GenerateStage.Options(
                    categories: cats.map { ($0.id, $0.name) }, parameters: p, modelId: p.model.hasPrefix("/") ? URL(fileURLWithPath: folder).lastPathComponent : p.model,
                    outputFolder: outputFolder),
                progress: StageCLI.progress)
        }
        if json {
            print(try BankCLI.json(summary))
            return
        }
        let t = summary.timings
        print("generated: \(summary.generated)  already stored: \(summary.alreadyStored)  duplicates: \(summary.duplicates)")
        print(String(format: "time: %.2f s (text %.3f s, UNet %.2f s, loop %.3f s, decode %.2f s)", t.total, t.textEncoding, t.denoiser, t.loopOverhead, t.decoding))
        print(String(format: "speed: %.2f steps/s, %.3f images/s; loop overhead %.3f%% of a step", t.stepsPerSecond, t.imagesPerSecond, 100 * t.overheadShare))
    }
}
