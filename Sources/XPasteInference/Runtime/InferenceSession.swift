internal import COnnxRuntime
import Foundation
import Logging

/// A loaded model (`OrtSession`), shared safely across tasks: ONNX Runtime allows concurrent
/// `Run` calls on one session, and everything else here is immutable after creation.
///
/// `run` is synchronous and blocks the calling thread for the whole model; call it from an
/// `InferenceExecutor` (or `run(_:outputNames:on:)`) rather than from the cooperative pool.
public final class InferenceSession: @unchecked Sendable {
    // @unchecked: `handle` is only used for OrtApi calls that ONNX Runtime documents as thread-safe
    // (Run, RunWithBinding, CreateIoBinding); the metadata is immutable.

    /// The environment the session was created in (kept alive by the session).
    public let environment: InferenceEnvironment
    /// The model's inputs, in the model's order.
    public let inputs: [TensorInfo]
    /// The model's outputs, in the model's order.
    public let outputs: [TensorInfo]
    /// The execution providers added to the session, in priority order (the CPU last).
    public let providers: [String]
    /// Where the model came from (its path, or `<memory>`).
    public let source: String

    let handle: OpaquePointer

    /// Loads a model file. External-data models load too: ONNX Runtime reads the weight files
    /// named in the model relative to the model's folder.
    public convenience init(
        modelPath: String, environment: InferenceEnvironment, options: SessionOptions = SessionOptions(),
        logger: Logger = Logger(label: "xpaste.inference")
    ) throws(InferenceError) {
        try self.init(source: modelPath, environment: environment, options: options, logger: logger) {
            (runtime, env, opts, out) throws(InferenceError) in
            do throws(InferenceError) {
                try runtime.check(xo_CreateSession(runtime.api, env, modelPath, opts, &out), "CreateSession(\(modelPath))")
            } catch {
                // ORT_NO_SUCHFILE: a typed "not found" that still carries ONNX Runtime's message.
                if case .runtimeFailure(_, 3, let message) = error { throw .modelNotFound(message) }
                throw error
            }
        }
    }

    /// Loads a model from its serialized bytes (models with external data need `init(modelPath:)`).
    public convenience init(
        modelBytes: [UInt8], environment: InferenceEnvironment, options: SessionOptions = SessionOptions(),
        logger: Logger = Logger(label: "xpaste.inference")
    ) throws(InferenceError) {
        try self.init(source: "<memory>", environment: environment, options: options, logger: logger) {
            (runtime, env, opts, out) throws(InferenceError) in
            let status = modelBytes.withUnsafeBytes { raw in
                xo_CreateSessionFromArray(runtime.api, env, raw.baseAddress, raw.count, opts, &out)
            }
            try runtime.check(status, "CreateSessionFromArray")
        }
    }

    private init(
        source: String, environment: InferenceEnvironment, options: SessionOptions, logger: Logger,
        create: (OnnxRuntime, OpaquePointer, OpaquePointer, inout OpaquePointer?) throws(InferenceError) -> Void
    ) throws(InferenceError) {
        let runtime = environment.runtime
        let start = DispatchTime.now().uptimeNanoseconds
        let optionsHandle = try SessionOptionsHandle(options, environment: environment, logger: logger)
        var session: OpaquePointer?
        try create(runtime, environment.handle, optionsHandle.handle, &session)
        guard let session else {
            throw .runtimeFailure(operation: "CreateSession", ortCode: 1, message: "no session returned")
        }
        self.handle = session
        self.environment = environment
        self.source = source
        self.providers = optionsHandle.providers
        environment.counts.opened()
        // From here on `deinit` releases the session, also when reading the signature fails.
        var inputs: [TensorInfo] = []
        var outputs: [TensorInfo] = []
        do {
            inputs = try Self.signature(of: session, runtime: runtime, inputs: true)
            outputs = try Self.signature(of: session, runtime: runtime, inputs: false)
        } catch let error {
            xo_ReleaseSession(runtime.api, session)
            environment.counts.released()
            throw error
        }
        self.inputs = inputs
        self.outputs = outputs
        logger.info("model loaded", metadata: [
            "model": "\(source)", "providers": "\(providers.joined(separator: ","))",
            "inputs": "\(inputs.map(\.description).joined(separator: "; "))",
            "ms": "\((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)",
        ])
    }

    deinit {
        xo_ReleaseSession(environment.runtime.api, handle)
        environment.counts.released()
    }

    /// The input called `name`, if the model has one.
    public func input(named name: String) -> TensorInfo? { inputs.first { $0.name == name } }

    /// The output called `name`, if the model has one.
    public func output(named name: String) -> TensorInfo? { outputs.first { $0.name == name } }

    /// Runs the model on `feeds` (one tensor per model input, by name) and returns the requested
    /// outputs (all of them by default), by name. Blocks the calling thread.
    ///
    /// Names and element types are checked here; shapes are checked by ONNX Runtime, whose message
    /// the error carries.
    public func run(_ feeds: [String: Tensor], outputNames: [String]? = nil) throws(InferenceError) -> [String: Tensor] {
        let runtime = environment.runtime
        let wanted = outputNames ?? outputs.map(\.name)
        try validate(feeds: feeds, outputNames: wanted)
        let ordered = inputs.map(\.name).filter { feeds[$0] != nil }
        var values: [ValueHandle] = []
        for name in ordered { values.append(try ValueHandle(tensor: feeds[name]!, environment: environment)) }
        let inputNames = CStringArray(ordered)
        let outputNamesC = CStringArray(wanted)
        var results = [OpaquePointer?](repeating: nil, count: wanted.count)
        let inputHandles: [OpaquePointer?] = values.map(\.handle)
        let status = inputHandles.withUnsafeBufferPointer { ins in
            results.withUnsafeMutableBufferPointer { outs in
                xo_Run(runtime.api, handle, nil, inputNames.pointer, ins.baseAddress, ordered.count,
                       outputNamesC.pointer, wanted.count, outs.baseAddress)
            }
        }
        // Adopt whatever ONNX Runtime returned before checking, so nothing leaks on failure.
        let owned = results.map { $0.map { ValueHandle(adopting: $0, environment: environment) } }
        withExtendedLifetime(values) {}
        try runtime.check(status, "Run")
        var out: [String: Tensor] = [:]
        for (name, value) in zip(wanted, owned) {
            guard let value else { throw .runtimeFailure(operation: "Run", ortCode: 1, message: "no value for output \(name)") }
            out[name] = try value.tensor()
        }
        return out
    }

    /// `run` on `executor`'s threads, off the cooperative pool.
    public func run(
        _ feeds: [String: Tensor], outputNames: [String]? = nil, on executor: InferenceExecutor
    ) async throws(InferenceError) -> [String: Tensor] {
        try await executor.perform { () throws(InferenceError) -> [String: Tensor] in
            try self.run(feeds, outputNames: outputNames)
        }
    }

    /// A new I/O binding for this session (one per task; bindings are not shared).
    public func makeIOBinding() throws(InferenceError) -> IOBinding {
        try IOBinding(session: self)
    }

    func validate(feeds: [String: Tensor], outputNames: [String]) throws(InferenceError) {
        for (name, tensor) in feeds {
            guard let info = input(named: name) else {
                throw .invalidInput("the model has no input \(name); its inputs are \(inputs.map(\.description))")
            }
            guard info.elementType == tensor.elementType else {
                throw .invalidInput("input \(name) is \(info.elementType), got \(tensor.elementType)")
            }
        }
        let missing = inputs.map(\.name).filter { feeds[$0] == nil }
        guard missing.isEmpty else { throw .invalidInput("missing inputs \(missing)") }
        for name in outputNames where output(named: name) == nil {
            throw .invalidInput("the model has no output \(name); its outputs are \(outputs.map(\.name))")
        }
    }

    private static func signature(
        of session: OpaquePointer, runtime: OnnxRuntime, inputs: Bool
    ) throws(InferenceError) -> [TensorInfo] {
        let api = runtime.api
        let allocator = try runtime.defaultAllocator()
        var count = 0
        try runtime.check(
            inputs ? xo_SessionGetInputCount(api, session, &count) : xo_SessionGetOutputCount(api, session, &count),
            "SessionGetInputCount")
        var infos: [TensorInfo] = []
        for i in 0..<count {
            var cName: UnsafeMutablePointer<CChar>?
            try runtime.check(
                inputs ? xo_SessionGetInputName(api, session, i, allocator, &cName)
                    : xo_SessionGetOutputName(api, session, i, allocator, &cName),
                "SessionGetInputName")
            let name = cName.map { String(cString: $0) } ?? ""
            if let cName { _ = xo_AllocatorFree(api, allocator, cName).map { xo_ReleaseStatus(api, $0) } }
            var typeInfo: OpaquePointer?
            try runtime.check(
                inputs ? xo_SessionGetInputTypeInfo(api, session, i, &typeInfo)
                    : xo_SessionGetOutputTypeInfo(api, session, i, &typeInfo),
                "SessionGetInputTypeInfo")
            guard let typeInfo else { continue }
            defer { xo_ReleaseTypeInfo(api, typeInfo) }
            var tensorInfo: OpaquePointer?
            try runtime.check(xo_CastTypeInfoToTensorInfo(api, typeInfo, &tensorInfo), "CastTypeInfoToTensorInfo")
            // A borrowed pointer, NULL for sequences and maps.
            guard let tensorInfo else {
                infos.append(TensorInfo(name: name, elementType: .undefined, shape: []))
                continue
            }
            let (type, dims) = try TensorShapeReader.read(tensorInfo, runtime: runtime)
            infos.append(TensorInfo(
                name: name, elementType: TensorElementType(rawValue: type) ?? .undefined,
                shape: dims.map { $0 >= 0 ? Int($0) : nil }))
        }
        return infos
    }
}
