import Foundation
import Testing
import XPasteInference
import XPasteTestSupport

@Suite("ONNX Runtime binding")
struct BindingTests {
    @Test func runtimeIsFoundAndReportsVersionAndProviders() throws {
        let runtime = try Fixtures.runtime()
        #expect(runtime.version.hasPrefix("1."))
        #expect(runtime.libraryPath.contains("libonnxruntime"))
        #expect(try runtime.availableProviders().contains("CPUExecutionProvider"))
        // Loading the same library again shares the one table.
        #expect(try OnnxRuntime.load(path: runtime.libraryPath) === runtime)
    }

    @Test func explicitLibraryThatDoesNotExistIsATypedError() {
        let locator = RuntimeLibraryLocator(environment: ["XPASTE_ORT_LIBRARY": "/nonexistent/libonnxruntime.so.1.2.3"])
        #expect(throws: InferenceError.runtimeNotFound("XPASTE_ORT_LIBRARY=/nonexistent/libonnxruntime.so.1.2.3 does not exist")) {
            try OnnxRuntime.discover(locator: locator, logger: Fixtures.quiet)
        }
    }

    @Test func aFileThatIsNotALibraryIsATypedError() throws {
        let path = Fixtures.model("clip_tiny.onnx")
        let error = try #require(throws: InferenceError.self) {
            try OnnxRuntime.discover(locator: RuntimeLibraryLocator(environment: ["XPASTE_ORT_LIBRARY": path]), logger: Fixtures.quiet)
        }
        #expect(error.code == "inference.runtime_not_found")
        #expect(error.description.contains(path))
    }

    @Test func nothingFoundNamesWhatToInstall() throws {
        var locator = RuntimeLibraryLocator(environment: [:])
        locator.environmentRoots = ["/nonexistent-venv"]
        locator.pythonInterpreters = []
        locator.loaderNames = ["libonnxruntime-not-installed.so.1"]
        let error = try #require(throws: InferenceError.self) { try OnnxRuntime.discover(locator: locator, logger: Fixtures.quiet) }
        #expect(error.code == "inference.runtime_not_found")
        #expect(error.description.contains("pip install onnxruntime"))
        #expect(error.description.contains("libonnxruntime-not-installed.so.1"))
    }

    @Test func locatorFindsTheWheelLibraryInAVirtualEnvironment() throws {
        let python = ReferencePython.interpreter
        let venv = python.deletingLastPathComponent().deletingLastPathComponent().path
        var locator = RuntimeLibraryLocator(environment: [:])
        locator.environmentRoots = [venv]
        locator.pythonInterpreters = []
        let first = try #require(try locator.candidates().first)
        #expect(first.source == .pythonPackage)
        #expect(first.path.hasPrefix(venv))
        #expect(first.path.contains("/onnxruntime/capi/libonnxruntime."))
    }

    @Test func signaturesAreReadFromTheModel() throws {
        let env = try Fixtures.environment()
        let clip = try InferenceSession(modelPath: Fixtures.model("clip_tiny.onnx"), environment: env, logger: Fixtures.quiet)
        #expect(clip.inputs == [
            TensorInfo(name: "input_ids", elementType: .int64, shape: [nil, 77]),
            TensorInfo(name: "attention_mask", elementType: .int64, shape: [nil, 77]),
            TensorInfo(name: "pixel_values", elementType: .float, shape: [nil, 3, 224, 224]),
        ])
        #expect(clip.outputs.map(\.name) == ["logits_per_image", "logits_per_text", "text_embeds", "image_embeds"])
        #expect(clip.output(named: "text_embeds")?.shape == [nil, 16])
        let u2net = try InferenceSession(modelPath: Fixtures.model("u2net_tiny.onnx"), environment: env, logger: Fixtures.quiet)
        #expect(u2net.inputs == [TensorInfo(name: "input.1", elementType: .float, shape: [1, 3, 320, 320])])
        #expect(u2net.outputs.count == 7)
        #expect(u2net.outputs.allSatisfy { $0.shape == [1, 1, 320, 320] && $0.elementType == .float })
        let dtypes = try InferenceSession(modelPath: Fixtures.model("dtypes_fp16.onnx"), environment: env, logger: Fixtures.quiet)
        #expect(dtypes.inputs.map(\.elementType) == [.float16, .int64])
        #expect(dtypes.outputs.map(\.elementType) == [.float16, .float, .int64])
        #expect(dtypes.providers == ["CPUExecutionProvider"])
    }

    @Test func missingModelFileIsATypedError() throws {
        let env = try Fixtures.environment()
        let error = try #require(throws: InferenceError.self) {
            try InferenceSession(modelPath: "/nonexistent/model.onnx", environment: env, logger: Fixtures.quiet)
        }
        guard case .modelNotFound(let message) = error else {
            Issue.record("expected modelNotFound, got \(error)")
            return
        }
        // ONNX Runtime's own words: "Load model from /nonexistent/model.onnx failed: … File doesn't exist".
        #expect(message.contains("/nonexistent/model.onnx"))
        #expect(message.contains("File doesn't exist"))
        #expect(env.liveHandles == 0)
    }

    @Test func badModelBytesCarryOnnxRuntimesMessage() throws {
        let env = try Fixtures.environment()
        let error = try #require(throws: InferenceError.self) {
            try InferenceSession(modelBytes: Array("not an onnx model".utf8), environment: env, logger: Fixtures.quiet)
        }
        guard case .runtimeFailure(let op, let code, let message) = error else {
            Issue.record("expected runtimeFailure, got \(error)")
            return
        }
        #expect(op == "CreateSessionFromArray")
        #expect(code == 7)  // ORT_INVALID_PROTOBUF
        #expect(message.lowercased().contains("protobuf parsing failed"))
        #expect(error.description.contains("INVALID_PROTOBUF"))
    }

    @Test func wrongInputShapeCarriesOnnxRuntimesMessage() throws {
        let env = try Fixtures.environment()
        let session = try InferenceSession(modelPath: Fixtures.model("u2net_tiny.onnx"), environment: env, logger: Fixtures.quiet)
        let input = try Tensor(floats: [Float](repeating: 0.5, count: 3 * 100 * 100), shape: [1, 3, 100, 100])
        let error = try #require(throws: InferenceError.self) { try session.run(["input.1": input]) }
        guard case .runtimeFailure(let op, let code, let message) = error else {
            Issue.record("expected runtimeFailure, got \(error)")
            return
        }
        #expect(op == "Run")
        #expect(code == 2)  // ORT_INVALID_ARGUMENT
        #expect(message.contains("invalid dimensions for input: input.1"))
        #expect(message.contains("Expected: 320"))
    }

    @Test func wrongNamesAndElementTypesAreCaughtBeforeRunning() throws {
        let env = try Fixtures.environment()
        let session = try InferenceSession(modelPath: Fixtures.model("dtypes_fp16.onnx"), environment: env, logger: Fixtures.quiet)
        let x32 = try Tensor(floats: [Float](repeating: 1, count: 8), shape: [1, 8])
        let x16 = try Tensor(float16From: [Float](repeating: 1, count: 8), shape: [1, 8])
        let ids = try Tensor(int64s: [1], shape: [1])
        #expect(throws: InferenceError.invalidInput("input x is float16, got float")) {
            try session.run(["x": x32, "ids": ids])
        }
        #expect(throws: InferenceError.invalidInput("missing inputs [\"ids\"]")) { try session.run(["x": x16]) }
        let unknown = try #require(throws: InferenceError.self) { try session.run(["x": x16, "ids": ids, "z": ids]) }
        #expect(unknown.code == "inference.invalid_input")
        let badOutput = try #require(throws: InferenceError.self) { try session.run(["x": x16, "ids": ids], outputNames: ["nope"]) }
        #expect(badOutput.code == "inference.invalid_input")
    }

    @Test func tensorByteCountsAreChecked() {
        #expect(throws: InferenceError.invalidInput("shape [2, 3] of float needs 24 bytes, got 20")) {
            try Tensor(elementType: .float, shape: [2, 3], bytes: [UInt8](repeating: 0, count: 20))
        }
        #expect(throws: InferenceError.self) { try Tensor(floats: [1, 2], shape: [-1, -2]) }
        #expect(throws: InferenceError.self) { try Tensor(elementType: .string, shape: [1], bytes: [0]) }
    }

    @Test func cudaOnACPUBuildIsAnErrorUnlessFallbackIsAllowed() throws {
        let env = try Fixtures.environment()
        guard try !env.runtime.availableProviders().contains("CUDAExecutionProvider") else { return }
        let strict = SessionOptions(providers: [.cuda(deviceID: 0), .cpu])
        let error = try #require(throws: InferenceError.self) {
            try InferenceSession(modelPath: Fixtures.model("mlp_external.onnx"), environment: env, options: strict, logger: Fixtures.quiet)
        }
        #expect(error.code == "inference.provider_unavailable")
        #expect(error.description.contains("CUDAExecutionProvider"))
        #expect(error.description.contains("onnxruntime-gpu"))
        var lenient = strict
        lenient.allowProviderFallback = true
        let session = try InferenceSession(
            modelPath: Fixtures.model("mlp_external.onnx"), environment: env, options: lenient, logger: Fixtures.quiet)
        #expect(session.providers == ["CPUExecutionProvider"])
    }

    @Test func providerNamesParse() {
        #expect(ExecutionProvider(parsing: "cpu") == .cpu)
        #expect(ExecutionProvider(parsing: "cuda:1") == .cuda(deviceID: 1))
        #expect(ExecutionProvider(parsing: "TRT") == .tensorRT(deviceID: 0))
        #expect(ExecutionProvider(parsing: "cuda:x") == nil)
        #expect(ExecutionProvider(parsing: "metal") == nil)
    }

    @Test func threadOptionsAreApplied() throws {
        let env = try Fixtures.environment()
        let options = SessionOptions(intraOpThreads: 1, interOpThreads: 1, graphOptimization: .basic)
        let session = try InferenceSession(
            modelPath: Fixtures.model("mlp_external.onnx"), environment: env, options: options, logger: Fixtures.quiet)
        let y = try #require(try session.run(["x": Tensor(floats: [Float](repeating: 1, count: 16), shape: [1, 16])])["y"])
        #expect(y.shape == [1, 4])
        let bad = SessionOptions(intraOpThreads: -1)
        #expect(throws: InferenceError.self) {
            try InferenceSession(modelPath: Fixtures.model("mlp_external.onnx"), environment: env, options: bad, logger: Fixtures.quiet)
        }
    }

    @Test func everyHandleIsReleasedOnce() throws {
        let env = try Fixtures.environment()
        #expect(env.liveHandles == 0)
        do {
            let session = try InferenceSession(modelPath: Fixtures.model("dtypes_fp16.onnx"), environment: env, logger: Fixtures.quiet)
            #expect(env.liveHandles == 1)
            let x = try Tensor(float16From: [Float](repeating: 0.25, count: 16), shape: [2, 8])
            let ids = try Tensor(int64s: [4, 5], shape: [2])
            _ = try session.run(["x": x, "ids": ids])
            #expect(env.liveHandles == 1)
            let binding = try session.makeIOBinding()
            try binding.bindInput("x", x)
            try binding.bindInput("ids", ids)
            try binding.bindOutput("y32")
            _ = try binding.run()
            #expect(env.liveHandles == 4)  // session, binding, two bound inputs
            _ = try? InferenceSession(modelBytes: [1, 2, 3], environment: env, logger: Fixtures.quiet)
            #expect(env.liveHandles == 4)
        }
        #expect(env.liveHandles == 0)
    }
}

/// A stand-in library that exports `OrtGetApiBase` like ONNX Runtime 1.9 does: its `GetApi`
/// answers NULL for the API version xpaste asks for. Built with the system C compiler at test time.
@Suite("Too old a runtime")
struct OldRuntimeTests {
    static let compiler = ["/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: compiler != nil, "needs a C compiler to build the stand-in library"))
    func anOldRuntimeIsRefusedWithWhatToInstall() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-old-ort-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("old.c")
        try """
            #include <stddef.h>
            #include <stdint.h>
            static const void *get_api(uint32_t version) { return version <= 9 ? (const void *)1 : NULL; }
            static const char *version_string(void) { return "1.9.0"; }
            static const struct { const void *(*a)(uint32_t); const char *(*b)(void); } base = { get_api, version_string };
            const void *OrtGetApiBase(void) { return &base; }
            """.write(to: source, atomically: true, encoding: .utf8)
        let library = dir.appendingPathComponent("libonnxruntime.so.1.9.0")
        let cc = Process()
        cc.executableURL = URL(fileURLWithPath: try #require(Self.compiler))
        cc.arguments = ["-shared", "-fPIC", "-o", library.path, source.path]
        try cc.run()
        cc.waitUntilExit()
        try #require(cc.terminationStatus == 0)

        let error = try #require(throws: InferenceError.self) {
            try OnnxRuntime.discover(locator: RuntimeLibraryLocator(environment: ["XPASTE_ORT_LIBRARY": library.path]), logger: Fixtures.quiet)
        }
        #expect(error.code == "inference.runtime_too_old")
        #expect(error.description.contains("1.9.0"))
        #expect(error.description.contains("pip install -U onnxruntime"))

        // Found inside a Python package instead, it still stops the search rather than being skipped.
        let capi = dir.appendingPathComponent("venv/lib/python3.11/site-packages/onnxruntime/capi")
        try FileManager.default.createDirectory(at: capi, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: library, to: capi.appendingPathComponent("libonnxruntime.so.1.9.1"))
        var locator = RuntimeLibraryLocator(environment: [:])
        locator.environmentRoots = [dir.appendingPathComponent("venv").path]
        locator.pythonInterpreters = []
        #expect(try locator.candidates().first?.path.hasSuffix("libonnxruntime.so.1.9.1") == true)
        let again = try #require(throws: InferenceError.self) { try OnnxRuntime.discover(locator: locator, logger: Fixtures.quiet) }
        #expect(again.code == "inference.runtime_too_old")
    }
}
