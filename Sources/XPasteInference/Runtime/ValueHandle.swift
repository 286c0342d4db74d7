internal import COnnxRuntime
import Foundation

/// Owns one `OrtValue` tensor and releases it exactly once.
final class ValueHandle {
    let environment: InferenceEnvironment
    let handle: OpaquePointer
    /// Shape and element type when this side created the value (nil for adopted values).
    private(set) var shape: [Int]?
    private(set) var elementType: TensorElementType?

    /// Takes ownership of a value ONNX Runtime returned.
    init(adopting handle: OpaquePointer, environment: InferenceEnvironment) {
        self.environment = environment
        self.handle = handle
        environment.counts.opened()
    }

    /// Copies `tensor` into a new value allocated by ONNX Runtime's CPU allocator, so the value
    /// owns its memory and nothing Swift holds has to stay pinned while it lives.
    convenience init(tensor: Tensor, environment: InferenceEnvironment) throws(InferenceError) {
        let runtime = environment.runtime
        let allocator = try runtime.defaultAllocator()
        let shape = tensor.shape.map(Int64.init)
        var value: OpaquePointer?
        try runtime.check(
            xo_CreateTensorAsOrtValue(runtime.api, allocator, shape, shape.count, tensor.elementType.rawValue, &value),
            "CreateTensorAsOrtValue")
        guard let value else {
            throw .runtimeFailure(operation: "CreateTensorAsOrtValue", ortCode: 1, message: "no value returned")
        }
        self.init(adopting: value, environment: environment)
        guard !tensor.bytes.isEmpty else { return }
        var data: UnsafeMutableRawPointer?
        try runtime.check(xo_GetTensorMutableData(runtime.api, value, &data), "GetTensorMutableData")
        guard let data else { throw .runtimeFailure(operation: "GetTensorMutableData", ortCode: 1, message: "no data") }
        tensor.bytes.withUnsafeBytes { data.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    /// A float or float16 value of `shape` filled from `values`, converted on the way in: one
    /// pass, no intermediate `Tensor` (the denoising loop binds one of these every step).
    convenience init(
        floats values: UnsafeBufferPointer<Float>, shape: [Int], elementType: TensorElementType, environment: InferenceEnvironment
    ) throws(InferenceError) {
        guard elementType == .float || elementType == .float16 else {
            throw .unsupportedElementType("cannot write floats into a \(elementType) value")
        }
        guard shape.reduce(1, *) == values.count else { throw .invalidInput("shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)") }
        let runtime = environment.runtime
        let allocator = try runtime.defaultAllocator()
        let dims = shape.map(Int64.init)
        var value: OpaquePointer?
        try runtime.check(
            xo_CreateTensorAsOrtValue(runtime.api, allocator, dims, dims.count, elementType.rawValue, &value), "CreateTensorAsOrtValue")
        guard let value else { throw .runtimeFailure(operation: "CreateTensorAsOrtValue", ortCode: 1, message: "no value returned") }
        self.init(adopting: value, environment: environment)
        self.shape = shape
        self.elementType = elementType
        try write(floats: values)
    }

    /// Overwrites a float or float16 value this side created with `values` (as many as it holds).
    func write(floats values: UnsafeBufferPointer<Float>) throws(InferenceError) {
        guard let shape, let elementType, shape.reduce(1, *) == values.count else {
            throw .invalidInput("cannot write \(values.count) floats into this value")
        }
        guard !values.isEmpty else { return }
        let runtime = environment.runtime
        var data: UnsafeMutableRawPointer?
        try runtime.check(xo_GetTensorMutableData(runtime.api, handle, &data), "GetTensorMutableData")
        guard let data else { throw .runtimeFailure(operation: "GetTensorMutableData", ortCode: 1, message: "no data") }
        if elementType == .float {
            data.copyMemory(from: values.baseAddress!, byteCount: values.count * 4)
        } else {
            let out = data.bindMemory(to: UInt16.self, capacity: values.count)
            for i in 0..<values.count { out[i] = HalfPrecision.bits(from: values[i]) }
        }
    }

    /// Reads a float, float16 or bfloat16 value into `buffer` (resized to fit), converting on the
    /// way out; returns the value's shape.
    func readFloats(into buffer: inout [Float]) throws(InferenceError) -> [Int] {
        let runtime = environment.runtime
        var info: OpaquePointer?
        try runtime.check(xo_GetTensorTypeAndShape(runtime.api, handle, &info), "GetTensorTypeAndShape")
        guard let info else { throw .unsupportedElementType("the value is not a tensor") }
        defer { xo_ReleaseTensorTypeAndShapeInfo(runtime.api, info) }
        let (type, dims64) = try TensorShapeReader.read(info, runtime: runtime)
        let shape = dims64.map { Int($0) }
        let count = shape.reduce(1, *)
        guard let elementType = TensorElementType(rawValue: type), [.float, .float16, .bfloat16].contains(elementType) else {
            throw .unsupportedElementType("cannot read element type \(type) as floats")
        }
        if buffer.count != count { buffer = [Float](repeating: 0, count: count) }
        guard count > 0 else { return shape }
        var data: UnsafeMutableRawPointer?
        try runtime.check(xo_GetTensorMutableData(runtime.api, handle, &data), "GetTensorMutableData")
        guard let data else { throw .runtimeFailure(operation: "GetTensorMutableData", ortCode: 1, message: "no data") }
        buffer.withUnsafeMutableBufferPointer { out in
            switch elementType {
            case .float:
                UnsafeMutableRawPointer(out.baseAddress!).copyMemory(from: data, byteCount: count * 4)
            case .float16:
                let bits = data.bindMemory(to: UInt16.self, capacity: count)
                for i in 0..<count { out[i] = HalfPrecision.float(from: bits[i]) }
            default:
                let bits = data.bindMemory(to: UInt16.self, capacity: count)
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(bits[i]) << 16) }
            }
        }
        return shape
    }

    deinit {
        xo_ReleaseValue(environment.runtime.api, handle)
        environment.counts.released()
    }

    /// Copies the value out into a `Tensor`.
    func tensor() throws(InferenceError) -> Tensor {
        let runtime = environment.runtime
        var info: OpaquePointer?
        try runtime.check(xo_GetTensorTypeAndShape(runtime.api, handle, &info), "GetTensorTypeAndShape")
        guard let info else { throw .unsupportedElementType("the value is not a tensor") }
        defer { xo_ReleaseTensorTypeAndShapeInfo(runtime.api, info) }
        let (type, shape) = try TensorShapeReader.read(info, runtime: runtime)
        guard let elementType = TensorElementType(rawValue: type), let size = elementType.byteSize else {
            throw .unsupportedElementType("output element type \(type)")
        }
        let dims = shape.map { Int($0) }
        guard dims.allSatisfy({ $0 >= 0 }) else { throw .invalidInput("output has unresolved shape \(dims)") }
        let byteCount = dims.reduce(1, *) * size
        var bytes = [UInt8](repeating: 0, count: byteCount)
        if byteCount > 0 {
            var data: UnsafeMutableRawPointer?
            try runtime.check(xo_GetTensorMutableData(runtime.api, handle, &data), "GetTensorMutableData")
            guard let data else { throw .runtimeFailure(operation: "GetTensorMutableData", ortCode: 1, message: "no data") }
            bytes.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: data, byteCount: byteCount) }
        }
        return try Tensor(elementType: elementType, shape: dims, bytes: bytes)
    }
}

/// Reads element type and dimensions from an `OrtTensorTypeAndShapeInfo`.
enum TensorShapeReader {
    static func read(_ info: OpaquePointer, runtime: OnnxRuntime) throws(InferenceError) -> (Int32, [Int64]) {
        var type: Int32 = 0
        try runtime.check(xo_GetTensorElementType(runtime.api, info, &type), "GetTensorElementType")
        var rank = 0
        try runtime.check(xo_GetDimensionsCount(runtime.api, info, &rank), "GetDimensionsCount")
        var dims = [Int64](repeating: 0, count: rank)
        if rank > 0 { try runtime.check(xo_GetDimensions(runtime.api, info, &dims, rank), "GetDimensions") }
        return (type, dims)
    }
}
