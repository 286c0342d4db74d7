import Foundation
import Logging
import Synchronization
import XPasteBank
import XPasteImage
import XPasteInference

/// What stages run against: the bank, the models, the data folder and the shared queues. One per
/// service; every job uses the same one, which is how two jobs share the device fairly.
public struct PipelineEnvironment: Sendable {
    /// The instance bank.
    public let bank: any InstanceBank
    /// The models folder.
    public let models: ModelsDirectory
    /// The service's data folder (datasets are written under `datasets/`).
    public let dataFolder: URL
    /// Which server-side paths jobs may read.
    public let paths: PathPolicy
    /// The model queue: every model call of every job goes through it (one per GPU, or the CPU),
    /// first come first served, so concurrent jobs interleave batch by batch.
    public let deviceQueue: InferenceExecutor
    /// How models are run (execution provider, threads).
    public let sessionOptions: SessionOptions
    /// ONNX Runtime, opened on first use.
    public let runtime: RuntimeProvider
    /// Threads for CPU stages (compositing); 0 means one per core.
    public let cpuThreads: Int
    /// Limits on decoding images.
    public let decodeLimits: DecodeLimits
    /// The models `pull_missing` may download, by name (xpaste's catalogue).
    public let modelCatalog: [String: ModelCatalog.Entry]
    /// Where stages log.
    public let logger: Logger

    /// An environment.
    public init(
        bank: any InstanceBank, models: ModelsDirectory, dataFolder: URL, paths: PathPolicy,
        deviceQueue: InferenceExecutor = InferenceExecutor(), sessionOptions: SessionOptions = SessionOptions(),
        runtime: RuntimeProvider = RuntimeProvider(), cpuThreads: Int = 0, decodeLimits: DecodeLimits = .default,
        modelCatalog: [String: ModelCatalog.Entry] = ModelCatalog.entries, logger: Logger
    ) {
        self.bank = bank
        self.models = models
        self.dataFolder = dataFolder
        self.paths = paths
        self.deviceQueue = deviceQueue
        self.sessionOptions = sessionOptions
        self.runtime = runtime
        self.cpuThreads = cpuThreads
        self.decodeLimits = decodeLimits
        self.modelCatalog = modelCatalog
        self.logger = logger
    }

    /// Where datasets are written.
    public var datasetsFolder: URL { dataFolder.appendingPathComponent("datasets", isDirectory: true) }
}

/// Opens ONNX Runtime once, on first use (a service whose jobs only use the classical segmenter
/// never needs it), and hands the same environment to every stage.
public final class RuntimeProvider: Sendable {
    private let state = Mutex<InferenceEnvironment?>(nil)
    private let open: @Sendable () throws(InferenceError) -> InferenceEnvironment

    /// A provider that discovers ONNX Runtime the way `xpaste doctor` does.
    public init() {
        self.open = { () throws(InferenceError) in try InferenceEnvironment(runtime: OnnxRuntime.discover()) }
    }

    /// The environment, opened now if it is not yet.
    public func environment() throws(InferenceError) -> InferenceEnvironment {
        let result: Result<InferenceEnvironment, InferenceError> = state.withLock { current in
            if let current { return .success(current) }
            do throws(InferenceError) {
                let made = try open()
                current = made
                return .success(made)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
