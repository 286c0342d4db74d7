import ArgumentParser
import Foundation
import Logging
import XPasteBank
import XPasteInference
import XPasteStages

/// Options the model-running stage commands (`extract`, `filter`) share: where models are, which
/// CLIP model, and how ONNX Runtime runs them.
struct StageInferenceOptions: ParsableArguments {
    @Option(name: .customLong("models"), help: "Models folder (default: $XPASTE_MODELS, else ./models).")
    var modelsPath: String?

    @Option(help: "CLIP model (a folder in the models folder) that scores cutouts (default: clip-vit-l-14; extract with one segmenter scores only when this is given).")
    var clip: String?

    @Option(help: "Execution provider: cpu, cuda[:N] or tensorrt[:N].")
    var provider = "cpu"

    @Flag(help: "Run on the CPU when the requested provider cannot be used, instead of failing.")
    var allowCpuFallback = false

    @Option(help: "Threads per model run (0: ONNX Runtime's choice, one per physical core).")
    var threads = 0

    /// The CLIP model X-Paste filters with.
    static let defaultCLIP = "clip-vit-l-14"

    var directory: ModelsDirectory {
        modelsPath.map { ModelsDirectory(root: URL(fileURLWithPath: $0)) } ?? ModelsDirectory()
    }

    func validate() throws {
        guard ExecutionProvider(parsing: provider) != nil else {
            throw ValidationError("unknown provider \"\(provider)\"; expected cpu, cuda[:N] or tensorrt[:N]")
        }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 or more") }
    }

    var sessionOptions: SessionOptions {
        let chosen = ExecutionProvider(parsing: provider) ?? .cpu
        return SessionOptions(
            intraOpThreads: threads, providers: chosen == .cpu ? [.cpu] : [chosen, .cpu], allowProviderFallback: allowCpuFallback)
    }

    /// ONNX Runtime, found the way `xpaste doctor` finds it.
    func environment() throws(InferenceError) -> InferenceEnvironment {
        try InferenceEnvironment(runtime: OnnxRuntime.discover())
    }

    /// The CLIP scorer called `name`.
    func scorer(_ name: String, environment: InferenceEnvironment, maxBatch: Int, logger: Logger) throws(InferenceError) -> CLIPScorer {
        try CLIPScorer(
            named: name, in: directory, environment: environment, options: sessionOptions, maxBatch: maxBatch, logger: logger)
    }
}

/// How the stage commands resolve categories, report progress and errors.
enum StageCLI {
    /// Runs `body`, printing a typed failure as `xpaste: error [code]: message` on stderr and
    /// exiting with the status of its class (`ExitStatus`).
    static func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StageError {
            fail(error.code, error.description)
        } catch let error as InferenceError {
            fail(error.code, error.description)
        } catch let error as BankError {
            fail(error.code, error.description)
        }
    }

    private static func fail(_ code: String, _ message: String) -> Never {
        let status = Console.fail(code: code, message)
        _ = Console.finish()
        Foundation.exit(status.rawValue)
    }

    /// Category ids for `--category` values (ids or names); nil when none were given.
    static func categoryIds(_ values: [String], bank: SQLiteBank) throws -> [Int64]? {
        guard !values.isEmpty else { return nil }
        return try values.map { text in
            if let id = Int64(text) { return id }
            guard let category = try bank.category(named: text) else {
                throw ValidationError("no category named \"\(text)\" in the bank")
            }
            return category.id
        }
    }

    /// Progress on stderr: one rewritten line on a terminal, one line per report otherwise.
    static let progress: StageProgress.Handler = { p in
        let line = "\(p.stage): \(p.done)/\(p.total) · \(p.detail)"
        if isatty(STDERR_FILENO) != 0 {
            Console.err("\r\u{1B}[K\(line)")
        } else {
            Console.err("\(line)\n")
        }
    }

    /// Ends a progress line on a terminal.
    static func endProgress() {
        if isatty(STDERR_FILENO) != 0 { Console.err("\n") }
    }
}
