import Foundation

/// Finds the ONNX Runtime shared library to open, in xpaste's order of preference:
/// `XPASTE_ORT_LIBRARY`, then the library inside an installed `onnxruntime` / `onnxruntime-gpu`
/// Python package, then whatever the dynamic loader finds by name.
///
/// The Python wheels ship `onnxruntime/capi/libonnxruntime.so.1.X.Y` with no unversioned name the
/// loader would find, which is why the package folders are searched by hand.
public struct RuntimeLibraryLocator: Sendable {
    /// The environment variable naming the library file explicitly.
    public static let environmentVariable = "XPASTE_ORT_LIBRARY"

    /// Where a candidate library came from.
    public enum Source: String, Sendable, Hashable {
        /// Named by `XPASTE_ORT_LIBRARY`.
        case environmentVariable = "XPASTE_ORT_LIBRARY"
        /// Found inside an installed `onnxruntime` Python package.
        case pythonPackage = "python package"
        /// A bare file name left for the dynamic loader's search path.
        case loaderPath = "loader path"
    }

    /// One library to try.
    public struct Candidate: Sendable, Hashable, CustomStringConvertible {
        /// A file path, or a bare file name for the dynamic loader.
        public let path: String
        /// How it was found.
        public let source: Source

        /// `path (source)`.
        public var description: String { "\(path) (\(source.rawValue))" }
    }

    /// The process environment consulted (`XPASTE_ORT_LIBRARY`, `VIRTUAL_ENV`, `XPASTE_PYTHON`).
    public var environment: [String: String]
    /// Folders searched for `lib/python3.*/site-packages` (virtual environments, prefixes).
    public var environmentRoots: [String]
    /// Interpreters asked where their `onnxruntime` package lives when no root holds one.
    public var pythonInterpreters: [String]
    /// Bare names handed to the dynamic loader last.
    public var loaderNames: [String]

    /// A locator for this process: its environment, `./.venv`, `$VIRTUAL_ENV`, the venv of
    /// `$XPASTE_PYTHON`, and `python3` on the `PATH`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        var roots: [String] = []
        if let venv = environment["VIRTUAL_ENV"], !venv.isEmpty { roots.append(venv) }
        if let python = environment["XPASTE_PYTHON"], !python.isEmpty {
            // <venv>/bin/python → <venv>
            roots.append(URL(fileURLWithPath: python).deletingLastPathComponent().deletingLastPathComponent().path)
        }
        roots.append(FileManager.default.currentDirectoryPath + "/.venv")
        self.environmentRoots = roots
        var interpreters: [String] = []
        if let python = environment["XPASTE_PYTHON"], !python.isEmpty { interpreters.append(python) }
        interpreters.append("python3")
        self.pythonInterpreters = interpreters
        #if os(macOS)
        self.loaderNames = ["libonnxruntime.dylib"]
        #else
        self.loaderNames = ["libonnxruntime.so.1", "libonnxruntime.so"]
        #endif
    }

    /// Every candidate in order. When `XPASTE_ORT_LIBRARY` is set it is the only one: an explicit
    /// choice must not silently fall back to another library.
    public func candidates() throws(InferenceError) -> [Candidate] {
        if let explicit = environment[Self.environmentVariable], !explicit.isEmpty {
            guard FileManager.default.fileExists(atPath: explicit) else {
                throw .runtimeNotFound("\(Self.environmentVariable)=\(explicit) does not exist")
            }
            return [Candidate(path: explicit, source: .environmentVariable)]
        }
        var found: [Candidate] = []
        var seen = Set<String>()
        func add(_ paths: [String]) {
            for p in paths where seen.insert(p).inserted { found.append(Candidate(path: p, source: .pythonPackage)) }
        }
        for root in environmentRoots {
            for site in Self.sitePackages(under: root) {
                add(Self.libraries(inPackage: site + "/onnxruntime"))
            }
        }
        if found.isEmpty {
            for python in pythonInterpreters {
                if let dir = Self.packageDirectory(python: python) { add(Self.libraries(inPackage: dir)) }
                if !found.isEmpty { break }
            }
        }
        return found + loaderNames.map { Candidate(path: $0, source: .loaderPath) }
    }

    /// `<root>/lib/python3.*/site-packages` folders, newest Python first.
    static func sitePackages(under root: String) -> [String] {
        let lib = root + "/lib"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: lib) else { return [] }
        return entries.filter { $0.hasPrefix("python3") }
            .sorted { versionKey($1).lexicographicallyPrecedes(versionKey($0)) }
            .map { "\(lib)/\($0)/site-packages" }
            .filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// The runtime libraries in an `onnxruntime` package folder, newest version first.
    static func libraries(inPackage dir: String) -> [String] {
        let capi = dir + "/capi"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: capi) else { return [] }
        #if os(macOS)
        let matches = entries.filter { $0.hasPrefix("libonnxruntime.1.") && $0.hasSuffix(".dylib") }
        #else
        let matches = entries.filter { $0.hasPrefix("libonnxruntime.so.1.") }
        #endif
        return matches.sorted { versionKey($1).lexicographicallyPrecedes(versionKey($0)) }.map { "\(capi)/\($0)" }
    }

    /// The numbers in a file name, for ordering versions (1.32.0 after 1.9.1).
    static func versionKey(_ name: String) -> [Int] {
        name.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
    }

    /// Asks `python` where its `onnxruntime` package is, without importing it (importing loads the
    /// whole runtime and takes seconds).
    static func packageDirectory(python: String) -> String? {
        let process = Process()
        if python.contains("/") {
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = []
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [python]
        }
        process.arguments! += [
            "-c",
            "import importlib.util as u; s = u.find_spec('onnxruntime'); "
                + "print(s.submodule_search_locations[0] if s and s.submodule_search_locations else '')",
        ]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let dir = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return dir.isEmpty ? nil : dir
    }
}
