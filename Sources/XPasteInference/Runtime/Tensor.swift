/// A dense tensor in host memory: element type, shape and the raw little-endian element bytes,
/// row-major. A value type, so tensors cross tasks freely; sessions copy them into ONNX Runtime
/// values for a run and copy results back out.
public struct Tensor: Sendable, Hashable {
    /// The element type.
    public let elementType: TensorElementType
    /// The size of each axis.
    public let shape: [Int]
    /// `elementCount × elementType.byteSize` bytes.
    public let bytes: [UInt8]

    /// Wraps raw element bytes; throws when the byte count does not match the shape.
    public init(elementType: TensorElementType, shape: [Int], bytes: [UInt8]) throws(InferenceError) {
        guard let size = elementType.byteSize else {
            throw .unsupportedElementType("\(elementType) tensors cannot be created from bytes")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw .invalidInput("negative dimension in shape \(shape)") }
        let count = shape.reduce(1, *)
        guard bytes.count == count * size else {
            throw .invalidInput("shape \(shape) of \(elementType) needs \(count * size) bytes, got \(bytes.count)")
        }
        self.elementType = elementType
        self.shape = shape
        self.bytes = bytes
    }

    /// A float32 tensor.
    public init(floats: [Float], shape: [Int]) throws(InferenceError) {
        try self.init(elementType: .float, shape: shape, bytes: Self.bytes(of: floats))
    }

    /// A float16 tensor holding `floats` rounded to half precision.
    public init(float16From floats: [Float], shape: [Int]) throws(InferenceError) {
        try self.init(elementType: .float16, shape: shape, bytes: Self.bytes(of: floats.map(HalfPrecision.bits(from:))))
    }

    /// An int64 tensor.
    public init(int64s: [Int64], shape: [Int]) throws(InferenceError) {
        try self.init(elementType: .int64, shape: shape, bytes: Self.bytes(of: int64s))
    }

    /// An int32 tensor.
    public init(int32s: [Int32], shape: [Int]) throws(InferenceError) {
        try self.init(elementType: .int32, shape: shape, bytes: Self.bytes(of: int32s))
    }

    /// Number of elements (the product of `shape`).
    public var elementCount: Int { shape.reduce(1, *) }

    /// The elements as floats: float32 as is, float16 / bfloat16 / double converted.
    public func floats() throws(InferenceError) -> [Float] {
        switch elementType {
        case .float: return elements(Float.self)
        case .float16: return elements(UInt16.self).map(HalfPrecision.float(from:))
        case .bfloat16: return elements(UInt16.self).map { Float(bitPattern: UInt32($0) << 16) }
        case .double: return elements(Double.self).map(Float.init)
        default: throw .unsupportedElementType("cannot read \(elementType) as floats")
        }
    }

    /// The elements as int64: int64 as is, int32 widened.
    public func int64s() throws(InferenceError) -> [Int64] {
        switch elementType {
        case .int64: return elements(Int64.self)
        case .int32: return elements(Int32.self).map(Int64.init)
        default: throw .unsupportedElementType("cannot read \(elementType) as int64")
        }
    }

    /// The raw half-precision bit patterns of a float16 tensor.
    public func float16Bits() throws(InferenceError) -> [UInt16] {
        guard elementType == .float16 else { throw .unsupportedElementType("\(elementType) is not float16") }
        return elements(UInt16.self)
    }

    /// Joins tensors of equal element type and trailing shape along axis 0 (the batch axis).
    public static func concatenated(_ parts: [Tensor]) throws(InferenceError) -> Tensor {
        guard let first = parts.first else { throw .invalidInput("nothing to concatenate") }
        guard !first.shape.isEmpty else { throw .invalidInput("cannot concatenate rank-0 tensors") }
        let tail = Array(first.shape.dropFirst())
        var rows = 0
        var bytes: [UInt8] = []
        bytes.reserveCapacity(parts.reduce(0) { $0 + $1.bytes.count })
        for part in parts {
            guard part.elementType == first.elementType, Array(part.shape.dropFirst()) == tail, !part.shape.isEmpty else {
                throw .invalidInput("cannot concatenate \(part.elementType)\(part.shape) with \(first.elementType)\(first.shape)")
            }
            rows += part.shape[0]
            bytes += part.bytes
        }
        return try Tensor(elementType: first.elementType, shape: [rows] + tail, bytes: bytes)
    }

    /// Splits along axis 0 into `shape[0]` tensors of shape `[1] + shape[1...]`.
    public func batchItems() throws(InferenceError) -> [Tensor] {
        guard let rows = shape.first else { throw .invalidInput("a rank-0 tensor has no batch axis") }
        let stride = rows == 0 ? 0 : bytes.count / rows
        var items: [Tensor] = []
        for r in 0..<rows {
            items.append(try Tensor(
                elementType: elementType, shape: [1] + shape.dropFirst(), bytes: Array(bytes[(r * stride)..<((r + 1) * stride)])))
        }
        return items
    }

    private func elements<T>(_: T.Type) -> [T] {
        bytes.withUnsafeBytes { raw in
            [T](unsafeUninitializedCapacity: elementCount) { buffer, initialized in
                raw.copyBytes(to: UnsafeMutableRawBufferPointer(buffer))
                initialized = elementCount
            }
        }
    }

    private static func bytes<T>(of values: [T]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }
    }
}
