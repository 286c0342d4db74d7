import Foundation

/// The models folder: `$XPASTE_MODELS`, by default `./models`, with one folder per model holding
/// its files and a `manifest.json`.
public struct ModelsDirectory: Sendable {
    /// The environment variable naming the folder.
    public static let environmentVariable = "XPASTE_MODELS"
    /// The manifest's file name inside each model folder.
    public static let manifestName = "manifest.json"

    /// The folder.
    public let root: URL

    /// The folder named by `XPASTE_MODELS`, else `./models`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment[Self.environmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? "models"
        self.root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    /// A models folder at `root`.
    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    /// One folder found in the models directory.
    public struct Entry: Sendable, Hashable {
        /// The folder's name.
        public let name: String
        /// The folder.
        public let folder: URL
        /// The manifest, when it could be read.
        public let manifest: ModelManifest?
        /// Why the manifest could not be read, when it could not.
        public let problem: String?
    }

    /// Every model folder, sorted by name; folders without a readable manifest are listed with
    /// the problem. A missing models folder lists nothing.
    public func list() -> [Entry] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { return [] }
        return names.sorted().compactMap { name -> Entry? in
            let folder = root.appendingPathComponent(name, isDirectory: true)
            var isDirectory: ObjCBool = false
            guard !name.hasPrefix("."), FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory),
                  isDirectory.boolValue else { return nil }
            do throws(InferenceError) {
                return Entry(name: name, folder: folder, manifest: try manifest(in: folder), problem: nil)
            } catch {
                return Entry(name: name, folder: folder, manifest: nil, problem: error.description)
            }
        }
    }

    /// The folder of the model called `name`.
    public func folder(of name: String) -> URL { root.appendingPathComponent(name, isDirectory: true) }

    /// Reads the manifest in `folder`.
    public func manifest(in folder: URL) throws(InferenceError) -> ModelManifest {
        let url = folder.appendingPathComponent(Self.manifestName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .invalidResource("no \(Self.manifestName) in \(folder.path)")
        }
        do {
            return try JSONDecoder().decode(ModelManifest.self, from: data)
        } catch {
            throw .invalidResource("\(url.path) is not a valid manifest: \(error)")
        }
    }

    /// Writes `manifest` into the model's folder (creating it), pretty-printed with sorted keys.
    public func write(_ manifest: ModelManifest) throws(InferenceError) {
        let folder = folder(of: manifest.name)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(manifest).write(to: folder.appendingPathComponent(Self.manifestName), options: .atomic)
        } catch {
            throw .invalidResource("cannot write the manifest of \(manifest.name): \(error)")
        }
    }

    /// The state of one file after verification.
    public enum FileStatus: String, Sendable, Hashable, Codable {
        /// Present and matching its checksum and size.
        case ok
        /// Not in the folder.
        case missing
        /// Present, but its checksum or size differs from the manifest.
        case mismatch
        /// Present, but the manifest records no checksum to compare with.
        case unchecked
    }

    /// One verified file.
    public struct FileCheck: Sendable, Hashable {
        /// The file's path inside the model folder.
        public let path: String
        /// The outcome.
        public let status: FileStatus
        /// The checksum computed from the file (nil when missing).
        public let sha256: String?
        /// What is wrong, when something is.
        public let detail: String?
    }

    /// Checks every file of the model called `name` against its manifest.
    public func verify(_ name: String) throws(InferenceError) -> [FileCheck] {
        let folder = folder(of: name)
        let manifest = try manifest(in: folder)
        var checks: [FileCheck] = []
        for file in manifest.files {
            let path = folder.appendingPathComponent(file.path).path
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
                checks.append(FileCheck(path: file.path, status: .missing, sha256: nil, detail: "not found at \(path)"))
                continue
            }
            let size = (attributes[.size] as? NSNumber)?.int64Value
            if let expected = file.bytes, let size, expected != size {
                checks.append(FileCheck(path: file.path, status: .mismatch, sha256: nil,
                                        detail: "\(size) bytes, manifest says \(expected)"))
                continue
            }
            let digest = try ModelChecksum.sha256Hex(ofFile: path)
            if let expected = file.sha256?.lowercased() {
                checks.append(FileCheck(
                    path: file.path, status: digest == expected ? .ok : .mismatch, sha256: digest,
                    detail: digest == expected ? nil : "sha256 \(digest), manifest says \(expected)"))
            } else {
                checks.append(FileCheck(path: file.path, status: .unchecked, sha256: digest, detail: "no checksum in the manifest"))
            }
        }
        return checks
    }
}
