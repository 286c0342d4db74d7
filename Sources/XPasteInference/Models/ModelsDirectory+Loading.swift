import Foundation

extension ModelsDirectory {
    /// The manifest of the installed model called `name` and the path of the model file to load
    /// (the manifest's first `.onnx` file), checked to be of `family` and present on disk.
    ///
    /// A model that is not installed is `.modelNotFound` with what to run: `xpaste models pull NAME`
    /// for a model the catalogue knows, else where to put the files.
    public func installedModel(named name: String, family: ModelManifest.Family) throws(InferenceError) -> (ModelManifest, String) {
        let folder = folder(of: name)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(Self.manifestName).path) else {
            throw .modelNotFound("no model \(name) in \(root.path): \(Self.installHint(for: name, family: family, root: root))")
        }
        let manifest = try manifest(in: folder)
        guard manifest.family == family else {
            throw .invalidResource("\(name) in \(root.path) is a \(manifest.family.rawValue) model, not a \(family.rawValue) model")
        }
        guard let file = manifest.files.first(where: { $0.path.lowercased().hasSuffix(".onnx") }) else {
            throw .invalidResource("the manifest of \(name) lists no .onnx file")
        }
        let path = folder.appendingPathComponent(file.path).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw .modelNotFound("\(name) has no \(file.path) in \(folder.path): \(Self.installHint(for: name, family: family, root: root))")
        }
        return (manifest, path)
    }

    /// What to do to install a missing model.
    static func installHint(for name: String, family: ModelManifest.Family, root: URL) -> String {
        if ModelCatalog.entries[name] != nil {
            return "run `xpaste models pull \(name)` (with --models \(root.path) unless that is $\(environmentVariable))"
        }
        let known = ModelCatalog.entries.values.filter { $0.manifest.family == family }.map(\.manifest.name).sorted()
        return "install it as \(root.path)/\(name)/ with a \(manifestName), or pull a known one: "
            + known.map { "`xpaste models pull \($0)`" }.joined(separator: ", ")
    }
}
