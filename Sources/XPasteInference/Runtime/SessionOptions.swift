/// Where a session's nodes run.
public enum ExecutionProvider: Sendable, Hashable, CustomStringConvertible {
    /// ONNX Runtime's CPU kernels (always available, always last in line).
    case cpu
    /// NVIDIA CUDA on `deviceID`; `options` are CUDA provider option keys (`gpu_mem_limit`, …).
    case cuda(deviceID: Int = 0, options: [String: String] = [:])
    /// NVIDIA TensorRT on `deviceID`; `options` are TensorRT provider option keys
    /// (`trt_fp16_enable`, `trt_engine_cache_path`, …).
    case tensorRT(deviceID: Int = 0, options: [String: String] = [:])

    /// ONNX Runtime's name for the provider.
    public var ortName: String {
        switch self {
        case .cpu: "CPUExecutionProvider"
        case .cuda: "CUDAExecutionProvider"
        case .tensorRT: "TensorrtExecutionProvider"
        }
    }

    /// The provider's short name (`cpu`, `cuda:0`, `tensorrt:0`).
    public var description: String {
        switch self {
        case .cpu: "cpu"
        case .cuda(let id, _): "cuda:\(id)"
        case .tensorRT(let id, _): "tensorrt:\(id)"
        }
    }

    /// Parses `cpu`, `cuda`, `cuda:1`, `tensorrt`, `trt:0`; nil for anything else.
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: ":", maxSplits: 1)
        let device = parts.count == 2 ? Int(parts[1]) : 0
        guard let name = parts.first, let device else { return nil }
        switch name {
        case "cpu" where parts.count == 1: self = .cpu
        case "cuda": self = .cuda(deviceID: device)
        case "tensorrt", "trt": self = .tensorRT(deviceID: device)
        default: return nil
        }
    }
}

/// How a session is created: threads, graph optimisation, execution providers.
public struct SessionOptions: Sendable, Hashable {
    /// ONNX Runtime's graph optimisation levels.
    public enum GraphOptimization: Int32, Sendable, Hashable {
        /// No graph rewrites.
        case disabled = 0
        /// Constant folding and redundant-node removal.
        case basic = 1
        /// Plus node fusions.
        case extended = 2
        /// Everything, including layout changes.
        case all = 99
    }

    /// Threads for one operator; 0 lets ONNX Runtime choose (one per physical core).
    public var intraOpThreads: Int
    /// Threads across independent operators; 0 lets ONNX Runtime choose.
    public var interOpThreads: Int
    /// Graph optimisation level.
    public var graphOptimization: GraphOptimization
    /// Providers in order of preference; the CPU provider always backs them.
    public var providers: [ExecutionProvider]
    /// When true, a provider that cannot be added is skipped with a warning instead of failing the
    /// session (the user explicitly accepted running on the CPU).
    public var allowProviderFallback: Bool
    /// Extra `AddSessionConfigEntry` key/value pairs.
    public var configEntries: [String: String]

    /// Options with ONNX Runtime's defaults on the CPU.
    public init(
        intraOpThreads: Int = 0, interOpThreads: Int = 0, graphOptimization: GraphOptimization = .all,
        providers: [ExecutionProvider] = [.cpu], allowProviderFallback: Bool = false,
        configEntries: [String: String] = [:]
    ) {
        self.intraOpThreads = intraOpThreads
        self.interOpThreads = interOpThreads
        self.graphOptimization = graphOptimization
        self.providers = providers
        self.allowProviderFallback = allowProviderFallback
        self.configEntries = configEntries
    }
}
