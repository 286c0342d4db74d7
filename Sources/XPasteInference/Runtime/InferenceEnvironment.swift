internal import COnnxRuntime
import Foundation

/// An ONNX Runtime environment (`OrtEnv`): the logging and thread-pool context that sessions are
/// created in. ONNX Runtime recommends one per process; sessions keep theirs alive.
public final class InferenceEnvironment: @unchecked Sendable {
    // @unchecked: `handle` is immutable and OrtEnv is thread-safe; `counts` has its own lock.

    /// ONNX Runtime's log severities (what it prints to stderr).
    public enum LogLevel: Int32, Sendable {
        /// Everything.
        case verbose = 0
        /// Informational and above.
        case info = 1
        /// Warnings and above.
        case warning = 2
        /// Errors and above.
        case error = 3
        /// Only fatal errors.
        case fatal = 4
    }

    /// The runtime this environment belongs to.
    public let runtime: OnnxRuntime
    let handle: OpaquePointer
    let counts = HandleCounts()

    /// Creates an environment; `logLevel` sets what ONNX Runtime itself prints.
    public init(runtime: OnnxRuntime, logLevel: LogLevel = .error, logID: String = "xpaste") throws(InferenceError) {
        self.runtime = runtime
        var env: OpaquePointer?
        try runtime.check(xo_CreateEnv(runtime.api, logLevel.rawValue, logID, &env), "CreateEnv")
        guard let env else { throw .runtimeFailure(operation: "CreateEnv", ortCode: 1, message: "no environment returned") }
        self.handle = env
    }

    deinit {
        xo_ReleaseEnv(runtime.api, handle)
    }

    /// How many ONNX Runtime handles (sessions, session options, values, bindings) created through
    /// this environment are alive now. Each is released exactly once when its owner goes away, so
    /// this returns to its earlier value once they are dropped: tests and `xpaste doctor` use it to
    /// find leaks.
    public var liveHandles: Int { counts.value }
}

/// A thread-safe counter of live handles.
final class HandleCounts: @unchecked Sendable {
    // @unchecked: `count` is only touched with `lock` held.
    private let lock = NSLock()
    private var count = 0

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    func opened() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    func released() {
        lock.lock()
        count -= 1
        precondition(count >= 0, "an ONNX Runtime handle was released twice")
        lock.unlock()
    }
}
