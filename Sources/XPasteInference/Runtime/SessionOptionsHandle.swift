internal import COnnxRuntime
import Foundation
import Logging

/// Owns one `OrtSessionOptions` built from `SessionOptions`, released exactly once.
final class SessionOptionsHandle {
    let environment: InferenceEnvironment
    let handle: OpaquePointer
    /// The providers actually added, in order (CPU last).
    private(set) var providers: [String] = []

    init(_ options: SessionOptions, environment: InferenceEnvironment, logger: Logger) throws(InferenceError) {
        let runtime = environment.runtime
        var handle: OpaquePointer?
        try runtime.check(xo_CreateSessionOptions(runtime.api, &handle), "CreateSessionOptions")
        guard let handle else {
            throw .runtimeFailure(operation: "CreateSessionOptions", ortCode: 1, message: "no options returned")
        }
        self.environment = environment
        self.handle = handle
        environment.counts.opened()

        guard options.intraOpThreads >= 0, options.interOpThreads >= 0 else {
            throw .invalidInput("thread counts must be ≥ 0 (0 lets ONNX Runtime choose)")
        }
        try runtime.check(
            xo_SetIntraOpNumThreads(runtime.api, handle, Int32(clamping: options.intraOpThreads)), "SetIntraOpNumThreads")
        try runtime.check(
            xo_SetInterOpNumThreads(runtime.api, handle, Int32(clamping: options.interOpThreads)), "SetInterOpNumThreads")
        try runtime.check(
            xo_SetSessionGraphOptimizationLevel(runtime.api, handle, options.graphOptimization.rawValue),
            "SetSessionGraphOptimizationLevel")
        for (key, value) in options.configEntries.sorted(by: { $0.key < $1.key }) {
            try runtime.check(xo_AddSessionConfigEntry(runtime.api, handle, key, value), "AddSessionConfigEntry(\(key))")
        }
        for provider in options.providers where provider != .cpu {
            do {
                try append(provider)
                providers.append(provider.ortName)
            } catch let error {
                guard options.allowProviderFallback else { throw error }
                logger.warning("execution provider skipped, running on the CPU", metadata: [
                    "provider": "\(provider)", "reason": "\(error)",
                ])
            }
        }
        providers.append(ExecutionProvider.cpu.ortName)
    }

    deinit {
        xo_ReleaseSessionOptions(environment.runtime.api, handle)
        environment.counts.released()
    }

    private func append(_ provider: ExecutionProvider) throws(InferenceError) {
        let runtime = environment.runtime
        let available = try runtime.availableProviders()
        let hint = "this ONNX Runtime (\(runtime.version) at \(runtime.libraryPath)) offers "
            + "\(available.joined(separator: ", ")); install onnxruntime-gpu with a matching CUDA and cuDNN, "
            + "or allow falling back to the CPU"
        guard available.contains(provider.ortName) else {
            throw .providerUnavailable("\(provider.ortName) is not in this build: \(hint)")
        }
        switch provider {
        case .cpu:
            return
        case .cuda(let device, let extra):
            var options: OpaquePointer?
            try providerStep(xo_CreateCUDAProviderOptions(runtime.api, &options), provider, hint)
            defer { if let options { xo_ReleaseCUDAProviderOptions(runtime.api, options) } }
            let entries = providerEntries(device: device, extra: extra)
            try withCStrings(entries) { keys, values throws(InferenceError) in
                try providerStep(
                    xo_UpdateCUDAProviderOptions(runtime.api, options, keys, values, entries.count), provider, hint)
            }
            try providerStep(xo_SessionOptionsAppendExecutionProvider_CUDA_V2(runtime.api, handle, options), provider, hint)
        case .tensorRT(let device, let extra):
            var options: OpaquePointer?
            try providerStep(xo_CreateTensorRTProviderOptions(runtime.api, &options), provider, hint)
            defer { if let options { xo_ReleaseTensorRTProviderOptions(runtime.api, options) } }
            let entries = providerEntries(device: device, extra: extra)
            try withCStrings(entries) { keys, values throws(InferenceError) in
                try providerStep(
                    xo_UpdateTensorRTProviderOptions(runtime.api, options, keys, values, entries.count), provider, hint)
            }
            try providerStep(
                xo_SessionOptionsAppendExecutionProvider_TensorRT_V2(runtime.api, handle, options), provider, hint)
        }
    }

    private func providerEntries(device: Int, extra: [String: String]) -> [(String, String)] {
        var entries = extra
        entries["device_id"] = entries["device_id"] ?? String(device)
        return entries.sorted { $0.key < $1.key }
    }

    /// A failing provider call becomes `providerUnavailable` carrying ONNX Runtime's message (for
    /// example "CUDA execution provider is not enabled in this build").
    private func providerStep(_ status: OpaquePointer?, _ provider: ExecutionProvider, _ hint: String) throws(InferenceError) {
        do {
            try environment.runtime.check(status, "add \(provider.ortName)")
        } catch let error {
            if case .runtimeFailure(_, _, let message) = error {
                throw .providerUnavailable("\(provider.ortName): \(message) (\(hint))")
            }
            throw error
        }
    }
}

/// Calls `body` with C arrays of the keys and values, valid for the duration of the call.
func withCStrings<R>(
    _ pairs: [(String, String)],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) throws(InferenceError) -> R
) throws(InferenceError) -> R {
    let keys = CStringArray(pairs.map(\.0))
    let values = CStringArray(pairs.map(\.1))
    return try body(keys.pointer, values.pointer)
}

/// A C array of NUL-terminated copies of strings, freed when the array goes away.
final class CStringArray {
    let pointer: UnsafePointer<UnsafePointer<CChar>?>
    private let storage: UnsafeMutablePointer<UnsafePointer<CChar>?>
    private let count: Int

    init(_ strings: [String]) {
        count = strings.count
        storage = .allocate(capacity: max(1, count))
        for (i, s) in strings.enumerated() { storage[i] = UnsafePointer(strdup(s)) }
        pointer = UnsafePointer(storage)
    }

    deinit {
        for i in 0..<count { free(UnsafeMutablePointer(mutating: storage[i])) }
        storage.deallocate()
    }
}
