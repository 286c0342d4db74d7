import Foundation

/// The installed pipelines: every `*.yaml` in the pipelines folder, parsed and checked when the
/// service starts, so a broken file is reported at start-up with its line, not when a job uses it.
public struct PipelineCatalog: Sendable {
    /// The pipelines by name.
    public let pipelines: [String: PipelineSpec]
    /// The folder they came from.
    public let folder: URL?

    /// Pipelines given directly (tests).
    public init(_ specs: [PipelineSpec]) {
        var byName: [String: PipelineSpec] = [:]
        for spec in specs { byName[spec.name] = spec }
        self.pipelines = byName
        self.folder = nil
    }

    /// Loads every `*.yaml` / `*.yml` file of `folder`; the first bad file is the error.
    public init(folder: URL) throws(PipelineError) {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .filter { ["yaml", "yml"].contains($0.pathExtension) }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw .pathNotFound(folder.path)
        }
        var byName: [String: PipelineSpec] = [:]
        for file in files {
            let text: String
            do {
                text = try String(contentsOf: file, encoding: .utf8)
            } catch {
                throw .invalidSpec(location: file.path, field: "$", message: "cannot read as UTF-8 text: \(error.localizedDescription)")
            }
            let spec = try PipelineSpecParser.parse(yaml: text, origin: file.path)
            guard byName[spec.name] == nil else {
                throw .invalidSpec(location: file.path, field: "$.name", message: "another file already defines pipeline \"\(spec.name)\"")
            }
            byName[spec.name] = spec
        }
        self.pipelines = byName
        self.folder = folder
    }

    /// The pipeline called `name`.
    public func spec(named name: String) throws(PipelineError) -> PipelineSpec {
        guard let spec = pipelines[name] else { throw .unknownPipeline(name) }
        return spec
    }
}
