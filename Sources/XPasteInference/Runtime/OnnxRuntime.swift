internal import COnnxRuntime
import Foundation
import Logging

/// A loaded ONNX Runtime library and its `OrtApi` table.
///
/// The library is opened with dlopen and never linked, so the rest of xpaste builds and runs
/// without it; it is never closed either (ONNX Runtime's process-wide state does not survive
/// unloading), so one instance per library path lives for the whole process.
public final class OnnxRuntime: @unchecked Sendable {
    // @unchecked: every stored property is immutable after `init`, and the OrtApi table itself is
    // a constant struct of function pointers that ONNX Runtime documents as thread-safe to call.

    /// The library file (or loader name) that was opened.
    public let libraryPath: String
    /// How the library was found.
    public let source: RuntimeLibraryLocator.Source
    /// The runtime's own version string, e.g. `1.32.0`.
    public let version: String
    /// The `OrtApi` version xpaste requests; runtimes older than this are refused.
    public static let apiVersion = Int(XO_ORT_API_VERSION)

    let api: UnsafeMutablePointer<XOApi>

    private init(libraryPath: String, source: RuntimeLibraryLocator.Source, api: UnsafeMutablePointer<XOApi>) {
        self.libraryPath = libraryPath
        self.source = source
        self.api = api
        self.version = api.pointee.version.map { String(cString: $0) } ?? "unknown"
    }

    /// Opens the library at `path` (a file, or a bare name for the dynamic loader), or returns the
    /// instance already opened from it.
    public static func load(
        path: String, source: RuntimeLibraryLocator.Source = .environmentVariable
    ) throws(InferenceError) -> OnnxRuntime {
        try LoadedRuntimes.shared.runtime(for: path) { () throws(InferenceError) -> OnnxRuntime in
            let api = UnsafeMutablePointer<XOApi>.allocate(capacity: 1)
            var message = [CChar](repeating: 0, count: 1024)
            let rc = xo_load(path, api, &message, message.count)
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            switch rc {
            case 0:
                return OnnxRuntime(libraryPath: path, source: source, api: api)
            case 3:
                let version = api.pointee.version.map { String(cString: $0) } ?? "unknown"
                api.deallocate()
                throw .runtimeTooOld(
                    "\(path) is ONNX Runtime \(version); xpaste needs API version \(apiVersion) "
                        + "(ONNX Runtime 1.\(apiVersion) or newer): pip install -U onnxruntime (or onnxruntime-gpu)")
            default:
                api.deallocate()
                throw .runtimeNotFound(text)
            }
        }
    }

    /// Finds and opens the runtime the way `RuntimeLibraryLocator` orders candidates.
    ///
    /// A library that loads but is too old stops the search with `runtimeTooOld`; when nothing
    /// loads, the error lists every candidate tried and what to install.
    public static func discover(
        locator: RuntimeLibraryLocator = RuntimeLibraryLocator(),
        logger: Logger = Logger(label: "xpaste.inference")
    ) throws(InferenceError) -> OnnxRuntime {
        let candidates = try locator.candidates()
        var failures: [String] = []
        for candidate in candidates {
            do {
                let runtime = try load(path: candidate.path, source: candidate.source)
                logger.debug("loaded ONNX Runtime", metadata: [
                    "path": "\(candidate.path)", "source": "\(candidate.source.rawValue)", "version": "\(runtime.version)",
                ])
                return runtime
            } catch let error {
                if case .runtimeTooOld = error { throw error }
                if candidate.source == .environmentVariable { throw error }
                if case .runtimeNotFound(let reason) = error {
                    failures.append("\(candidate): \(reason)")
                } else {
                    failures.append("\(candidate): \(error)")
                }
            }
        }
        throw .runtimeNotFound(
            "tried \(failures.joined(separator: "; ")). Install it with `pip install onnxruntime` "
                + "(or `onnxruntime-gpu` for CUDA) into ./.venv or $VIRTUAL_ENV, "
                + "or set \(RuntimeLibraryLocator.environmentVariable) to the libonnxruntime file")
    }

    /// The execution providers compiled into this runtime (`CPUExecutionProvider`,
    /// `CUDAExecutionProvider`, …). Compiled in does not mean usable: CUDA also needs its libraries
    /// and a device at session creation.
    public func availableProviders() throws(InferenceError) -> [String] {
        var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        var count: Int32 = 0
        try check(xo_GetAvailableProviders(api, &list, &count), "GetAvailableProviders")
        defer { _ = xo_ReleaseAvailableProviders(api, list, count).map { xo_ReleaseStatus(api, $0) } }
        return (0..<Int(count)).compactMap { list?[$0].map { String(cString: $0) } }
    }

    /// Turns an `OrtStatus*` into a typed error carrying ONNX Runtime's code and message, and
    /// releases the status.
    func check(_ status: OpaquePointer?, _ operation: @autoclosure () -> String) throws(InferenceError) {
        guard let status else { return }
        let code = Int(xo_GetErrorCode(api, status))
        let message = xo_GetErrorMessage(api, status).map { String(cString: $0) } ?? ""
        xo_ReleaseStatus(api, status)
        throw .runtimeFailure(operation: operation(), ortCode: code, message: message)
    }

    /// ONNX Runtime's default CPU allocator (owned by the runtime; never released).
    func defaultAllocator() throws(InferenceError) -> OpaquePointer {
        var allocator: OpaquePointer?
        try check(xo_GetAllocatorWithDefaultOptions(api, &allocator), "GetAllocatorWithDefaultOptions")
        guard let allocator else {
            throw .runtimeFailure(operation: "GetAllocatorWithDefaultOptions", ortCode: 1, message: "no allocator")
        }
        return allocator
    }
}

/// The runtimes opened so far, one per path, so that repeated loads share one table.
private final class LoadedRuntimes: @unchecked Sendable {
    // @unchecked: `runtimes` is only touched with `lock` held.
    static let shared = LoadedRuntimes()
    private let lock = NSLock()
    private var runtimes: [String: OnnxRuntime] = [:]

    func runtime(
        for path: String, _ open: () throws(InferenceError) -> OnnxRuntime
    ) throws(InferenceError) -> OnnxRuntime {
        lock.lock()
        defer { lock.unlock() }
        if let existing = runtimes[path] { return existing }
        let runtime = try open()
        runtimes[path] = runtime
        return runtime
    }
}
