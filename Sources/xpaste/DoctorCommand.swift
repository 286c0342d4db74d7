import ArgumentParser
import Foundation
import XPasteInference

/// `xpaste doctor`: what this machine offers for inference — the ONNX Runtime found, its version
/// and execution providers, and the models installed.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Show the ONNX Runtime found, its version and providers, and the installed models.",
        discussion: """
            The runtime is looked for in $\(RuntimeLibraryLocator.environmentVariable), then in an installed \
            onnxruntime / onnxruntime-gpu Python package (./.venv, $VIRTUAL_ENV, $XPASTE_PYTHON, python3), then \
            on the loader path. Exits with status 1 when no usable runtime is found.
            """
    )

    @Option(help: "Models folder (default: $XPASTE_MODELS, else ./models).")
    var models: String?

    func run() throws {
        let directory = models.map { ModelsDirectory(root: URL(fileURLWithPath: $0)) } ?? ModelsDirectory()
        var healthy = true
        do {
            let runtime = try OnnxRuntime.discover()
            print("ONNX Runtime \(runtime.version)  (API \(OnnxRuntime.apiVersion), found via \(runtime.source.rawValue))")
            print("  library:   \(runtime.libraryPath)")
            print("  providers: \(try runtime.availableProviders().joined(separator: ", "))")
        } catch {
            healthy = false
            print("ONNX Runtime: not usable [\(error.code)]")
            print("  \(error.description)")
        }
        let entries = directory.list()
        print("Models in \(directory.root.path): \(entries.isEmpty ? "none" : "\(entries.count)")")
        for entry in entries {
            if let manifest = entry.manifest {
                let variant = manifest.variant.map { " \($0)" } ?? ""
                let bytes = manifest.files.compactMap(\.bytes).reduce(0, +)
                print("  \(entry.name)  \(manifest.family.rawValue)\(variant)  \(manifest.files.count) file(s), \(bytes / 1_000_000) MB")
            } else {
                print("  \(entry.name)  unusable: \(entry.problem ?? "unknown problem")")
            }
        }
        if entries.isEmpty {
            print("  `xpaste models pull --list` shows the models xpaste can download.")
        }
        if !healthy { throw ExitCode(1) }
    }
}
