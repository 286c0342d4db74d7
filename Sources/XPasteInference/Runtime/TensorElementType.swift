/// ONNX tensor element types (`ONNXTensorElementDataType`), with ONNX's numbering.
public enum TensorElementType: Int32, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Not a tensor (a sequence, map or optional input), or unknown.
    case undefined = 0
    /// 32-bit float.
    case float = 1
    /// Unsigned byte.
    case uint8 = 2
    /// Signed byte.
    case int8 = 3
    /// Unsigned 16-bit integer.
    case uint16 = 4
    /// Signed 16-bit integer.
    case int16 = 5
    /// Signed 32-bit integer.
    case int32 = 6
    /// Signed 64-bit integer.
    case int64 = 7
    /// Strings (not supported for tensors xpaste creates).
    case string = 8
    /// Booleans, one byte each.
    case bool = 9
    /// IEEE 754 half precision.
    case float16 = 10
    /// 64-bit float.
    case double = 11
    /// Unsigned 32-bit integer.
    case uint32 = 12
    /// Unsigned 64-bit integer.
    case uint64 = 13
    /// bfloat16 (the top half of a float32).
    case bfloat16 = 16

    /// Bytes per element, or nil where elements have no fixed size (strings, undefined).
    public var byteSize: Int? {
        switch self {
        case .undefined, .string: nil
        case .uint8, .int8, .bool: 1
        case .uint16, .int16, .float16, .bfloat16: 2
        case .float, .int32, .uint32: 4
        case .int64, .double, .uint64: 8
        }
    }

    /// ONNX's name for the type (`float`, `int64`, `float16`, …).
    public var description: String {
        switch self {
        case .undefined: "undefined"
        case .float: "float"
        case .uint8: "uint8"
        case .int8: "int8"
        case .uint16: "uint16"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .string: "string"
        case .bool: "bool"
        case .float16: "float16"
        case .double: "double"
        case .uint32: "uint32"
        case .uint64: "uint64"
        case .bfloat16: "bfloat16"
        }
    }
}
