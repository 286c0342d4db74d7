import Logging

/// Turns segmenter names into segmenters: `classical` is the built-in `ClassicalSegmenter`, every
/// other name is a salient-object model in the models folder (`SalientSegmenter`).
public struct SegmenterLoader: Sendable {
    /// The name of the built-in segmenter that needs no model.
    public static let classicalName = "classical"

    /// Where models are looked up.
    public let directory: ModelsDirectory
    /// Session options for the models.
    public let options: SessionOptions
    /// Most images per model run, for models with a dynamic batch axis.
    public let maxBatch: Int

    /// A loader over `directory`.
    public init(directory: ModelsDirectory, options: SessionOptions = SessionOptions(), maxBatch: Int = 4) {
        self.directory = directory
        self.options = options
        self.maxBatch = maxBatch
    }

    /// Whether any of `names` needs ONNX Runtime.
    public static func needsRuntime(_ names: [String]) -> Bool {
        names.contains { $0 != classicalName }
    }

    /// The segmenters called `names`, in order. `environment` is asked for only when a model is
    /// named, so `classical` alone runs without ONNX Runtime. A model that is not installed is
    /// `.modelNotFound` naming the `xpaste models pull` that installs it.
    public func load(
        _ names: [String], environment: () throws(InferenceError) -> InferenceEnvironment,
        logger: Logger = Logger(label: "xpaste.inference")
    ) throws(InferenceError) -> [any Segmenter] {
        guard !names.isEmpty else { throw .invalidInput("no segmenter named") }
        // Check every model is installed before loading any: a missing one fails fast and names
        // every pull needed.
        let missing = names.filter { $0 != Self.classicalName }.compactMap { name -> String? in
            do throws(InferenceError) {
                _ = try directory.installedModel(named: name, family: .segmenter)
                return nil
            } catch {
                guard case .modelNotFound(let message) = error else { return nil }
                return message
            }
        }
        if !missing.isEmpty { throw .modelNotFound(missing.joined(separator: "; ")) }
        var env: InferenceEnvironment?
        var out: [any Segmenter] = []
        for name in names {
            if name == Self.classicalName {
                out.append(ClassicalSegmenter())
                continue
            }
            let e: InferenceEnvironment
            if let env {
                e = env
            } else {
                e = try environment()
                env = e
            }
            out.append(try SalientSegmenter(
                named: name, in: directory, environment: e, options: options, maxBatch: maxBatch, logger: logger))
        }
        return out
    }
}
