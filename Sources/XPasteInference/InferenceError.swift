/// Every failure that loading ONNX Runtime, creating sessions, running models and preparing their
/// inputs can report.
///
/// Each case has a stable `code` that the HTTP layer and the CLI show; messages may change, codes
/// may not.
public enum InferenceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No ONNX Runtime library could be found or opened; the message says what was tried and what
    /// to install.
    case runtimeNotFound(String)
    /// The library found is an ONNX Runtime older than the API version xpaste needs.
    case runtimeTooOld(String)
    /// ONNX Runtime returned a failure status: the operation we called, ONNX Runtime's error code
    /// (`OrtErrorCode`) and its message, unchanged.
    case runtimeFailure(operation: String, ortCode: Int, message: String)
    /// An execution provider was asked for that this runtime or machine cannot provide.
    case providerUnavailable(String)
    /// The model file does not exist or cannot be read.
    case modelNotFound(String)
    /// Inputs do not match what the model or the API expects (names, element types, byte counts).
    case invalidInput(String)
    /// A tensor element type xpaste cannot read or write (strings, maps, sequences, …).
    case unsupportedElementType(String)
    /// A tokenizer vocabulary, manifest or other model-side file is missing or malformed.
    case invalidResource(String)
    /// The task was cancelled before the work started.
    case cancelled

    /// Stable machine-readable code.
    public var code: String {
        switch self {
        case .runtimeNotFound: "inference.runtime_not_found"
        case .runtimeTooOld: "inference.runtime_too_old"
        case .runtimeFailure: "inference.runtime_failure"
        case .providerUnavailable: "inference.provider_unavailable"
        case .modelNotFound: "inference.model_not_found"
        case .invalidInput: "inference.invalid_input"
        case .unsupportedElementType: "inference.unsupported_element_type"
        case .invalidResource: "inference.invalid_resource"
        case .cancelled: "inference.cancelled"
        }
    }

    /// Human-readable explanation.
    public var description: String {
        switch self {
        case .runtimeNotFound(let m): "ONNX Runtime not found: \(m)"
        case .runtimeTooOld(let m): "ONNX Runtime too old: \(m)"
        case .runtimeFailure(let op, let code, let m):
            "ONNX Runtime \(op) failed (\(OrtErrorCodeName.name(of: code))): \(m)"
        case .providerUnavailable(let m): "execution provider unavailable: \(m)"
        case .modelNotFound(let m): "model not found: \(m)"
        case .invalidInput(let m): "invalid model input: \(m)"
        case .unsupportedElementType(let m): "unsupported tensor element type: \(m)"
        case .invalidResource(let m): "invalid model resource: \(m)"
        case .cancelled: "cancelled before the model ran"
        }
    }
}

/// The names of ONNX Runtime's `OrtErrorCode` values, for messages.
enum OrtErrorCodeName {
    static func name(of code: Int) -> String {
        let names = [
            "OK", "FAIL", "INVALID_ARGUMENT", "NO_SUCHFILE", "NO_MODEL", "ENGINE_ERROR", "RUNTIME_EXCEPTION",
            "INVALID_PROTOBUF", "MODEL_LOADED", "NOT_IMPLEMENTED", "INVALID_GRAPH", "EP_FAIL",
            "MODEL_LOAD_CANCELED", "MODEL_REQUIRES_COMPILATION", "NOT_FOUND",
        ]
        return code >= 0 && code < names.count ? names[code] : "code \(code)"
    }
}
