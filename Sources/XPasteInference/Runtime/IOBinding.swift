internal import COnnxRuntime
import Foundation

/// An `OrtIoBinding`: inputs and outputs bound once and reused across runs, the way GPU pipelines
/// keep tensors on the device between steps. Here outputs are bound to CPU memory.
///
/// Not Sendable: one binding belongs to one task at a time.
public final class IOBinding {
    /// The session the binding runs.
    public let session: InferenceSession
    let handle: OpaquePointer
    private var boundInputs: [String: ValueHandle] = [:]
    private var boundOutputs: [String] = []

    init(session: InferenceSession) throws(InferenceError) {
        let runtime = session.environment.runtime
        var binding: OpaquePointer?
        try runtime.check(xo_CreateIoBinding(runtime.api, session.handle, &binding), "CreateIoBinding")
        guard let binding else { throw .runtimeFailure(operation: "CreateIoBinding", ortCode: 1, message: "no binding") }
        self.session = session
        self.handle = binding
        session.environment.counts.opened()
    }

    deinit {
        xo_ReleaseIoBinding(session.environment.runtime.api, handle)
        session.environment.counts.released()
    }

    /// Binds `tensor` (copied) to the input `name`, replacing an earlier binding of that name.
    public func bindInput(_ name: String, _ tensor: Tensor) throws(InferenceError) {
        guard let info = session.input(named: name) else {
            throw .invalidInput("the model has no input \(name)")
        }
        guard info.elementType == tensor.elementType else {
            throw .invalidInput("input \(name) is \(info.elementType), got \(tensor.elementType)")
        }
        let value = try ValueHandle(tensor: tensor, environment: session.environment)
        try session.environment.runtime.check(
            xo_BindInput(session.environment.runtime.api, handle, name, value.handle), "BindInput(\(name))")
        // The binding refers to the value; keep it alive until it is replaced or cleared.
        boundInputs[name] = value
    }

    /// Binds a float or float16 input straight from `values` (converted to the input's type), with
    /// no intermediate `Tensor`: what a loop that rebinds an input every step uses.
    public func bindInput(_ name: String, floats values: UnsafeBufferPointer<Float>, shape: [Int]) throws(InferenceError) {
        guard let info = session.input(named: name) else {
            throw .invalidInput("the model has no input \(name)")
        }
        let value: ValueHandle
        if let kept = boundInputs[name], kept.shape == shape, kept.elementType == info.elementType {
            // Same shape as last time: write into the value already bound instead of allocating.
            try kept.write(floats: values)
            value = kept
        } else {
            value = try ValueHandle(floats: values, shape: shape, elementType: info.elementType, environment: session.environment)
        }
        // Bound again even when reused: providers on other devices copy the input at bind time.
        try session.environment.runtime.check(
            xo_BindInput(session.environment.runtime.api, handle, name, value.handle), "BindInput(\(name))")
        boundInputs[name] = value
    }

    /// Runs the session on the bound inputs and reads the bound output `name` as floats into
    /// `buffer` (reused across calls); returns its shape. Other bound outputs are discarded.
    public func run(readingFloats name: String, into buffer: inout [Float]) throws(InferenceError) -> [Int] {
        guard let index = boundOutputs.firstIndex(of: name) else { throw .invalidInput("output \(name) is not bound") }
        let values = try runValues()
        guard index < values.count, let value = values[index] else {
            throw .runtimeFailure(operation: "RunWithBinding", ortCode: 1, message: "no value for output \(name)")
        }
        return try value.readFloats(into: &buffer)
    }

    /// Binds the output `name` to CPU memory that ONNX Runtime allocates at each run, so its shape
    /// may change from run to run.
    public func bindOutput(_ name: String) throws(InferenceError) {
        guard session.output(named: name) != nil else { throw .invalidInput("the model has no output \(name)") }
        try bindToCPU(name)
        if !boundOutputs.contains(name) { boundOutputs.append(name) }
    }

    private func bindToCPU(_ name: String) throws(InferenceError) {
        let runtime = session.environment.runtime
        var memory: OpaquePointer?
        // OrtArenaAllocator = 1, OrtMemTypeDefault = 0.
        try runtime.check(xo_CreateCpuMemoryInfo(runtime.api, 1, 0, &memory), "CreateCpuMemoryInfo")
        guard let memory else { throw .runtimeFailure(operation: "CreateCpuMemoryInfo", ortCode: 1, message: "none") }
        defer { xo_ReleaseMemoryInfo(runtime.api, memory) }
        try runtime.check(xo_BindOutputToDevice(runtime.api, handle, name, memory), "BindOutputToDevice(\(name))")
    }

    /// Removes every bound input.
    public func clearInputs() {
        xo_ClearBoundInputs(session.environment.runtime.api, handle)
        boundInputs.removeAll()
    }

    /// Removes every bound output.
    public func clearOutputs() {
        xo_ClearBoundOutputs(session.environment.runtime.api, handle)
        boundOutputs.removeAll()
    }

    /// Runs the session on the bound inputs and returns the bound outputs by name.
    public func run() throws(InferenceError) -> [String: Tensor] {
        let owned = try runValues()
        var out: [String: Tensor] = [:]
        for (name, value) in zip(boundOutputs, owned) {
            guard let value else { continue }
            out[name] = try value.tensor()
        }
        return out
    }

    /// Runs and returns the bound outputs' values, in binding order.
    private func runValues() throws(InferenceError) -> [ValueHandle?] {
        let runtime = session.environment.runtime
        let api = runtime.api
        // A run leaves its output values bound, and a later run with other shapes would be refused
        // for writing into them; binding the names afresh lets ONNX Runtime allocate each time.
        xo_ClearBoundOutputs(api, handle)
        for name in boundOutputs { try bindToCPU(name) }
        try runtime.check(xo_RunWithBinding(api, session.handle, nil, handle), "RunWithBinding")
        let allocator = try runtime.defaultAllocator()
        var values: UnsafeMutablePointer<OpaquePointer?>?
        var count = 0
        try runtime.check(xo_GetBoundOutputValues(api, handle, allocator, &values, &count), "GetBoundOutputValues")
        guard let values else { return [] }
        // The array comes from `allocator`; each value in it is ours to release.
        let owned = (0..<count).map { values[$0].map { ValueHandle(adopting: $0, environment: session.environment) } }
        _ = xo_AllocatorFree(api, allocator, values).map { xo_ReleaseStatus(api, $0) }
        guard owned.count == boundOutputs.count else {
            throw .runtimeFailure(
                operation: "GetBoundOutputValues", ortCode: 1,
                message: "\(owned.count) values for \(boundOutputs.count) bound outputs")
        }
        return owned
    }
}
