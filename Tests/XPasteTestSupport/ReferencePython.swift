import Foundation

/// Runs the reference implementations (pycocotools, lvis-api, Pillow, OpenCV) that `make setup`
/// installs into the project's virtual environment, so tests compare against the real thing.
public enum ReferencePython {
    /// Failure to run a reference script.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, including the script's stderr.
        public let description: String
    }

    /// The interpreter: `$XPASTE_PYTHON`, else `<repo>/.venv/bin/python`.
    public static var interpreter: URL {
        if let env = ProcessInfo.processInfo.environment["XPASTE_PYTHON"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return SharedData.repositoryRoot.appendingPathComponent(".venv/bin/python")
    }

    /// Runs `script` (a path relative to the repository root, or absolute) with `arguments`,
    /// feeding `stdin`, and returns its standard output. Throws with stderr on a non-zero exit.
    @discardableResult
    public static func run(script: String, arguments: [String] = [], stdin: Data? = nil) throws -> Data {
        let python = interpreter
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw Failure(description: "reference Python not found at \(python.path): run `make setup` first")
        }
        let scriptURL = script.hasPrefix("/") ? URL(fileURLWithPath: script)
            : SharedData.repositoryRoot.appendingPathComponent(script)
        let process = Process()
        process.executableURL = python
        process.arguments = [scriptURL.path] + arguments
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inPipe
        try process.run()
        // Drain both pipes concurrently with the child so large outputs cannot deadlock it.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if let stdin { inPipe.fileHandleForWriting.write(stdin) }
        try? inPipe.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(script) exited with \(process.terminationStatus): \(String(decoding: errData, as: UTF8.self))")
        }
        return outData
    }
}
