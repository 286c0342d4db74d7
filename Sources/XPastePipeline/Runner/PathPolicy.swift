import Foundation

/// Confines server-side paths named in requests (a folder of images, backgrounds, an annotation
/// file) to the roots the operator allows (`--allow-path`, default: the data folder). Paths are
/// resolved (relative ones against the data folder, links followed) before the check, so `..` and
/// links cannot lead outside.
public struct PathPolicy: Sendable {
    /// The allowed roots, resolved.
    public let roots: [URL]
    /// Where relative paths start.
    public let base: URL

    /// A policy over `roots`; relative request paths resolve against `base`.
    public init(roots: [URL], base: URL) {
        self.roots = roots.map { $0.standardizedFileURL.resolvingSymlinksInPath() }
        self.base = base.standardizedFileURL.resolvingSymlinksInPath()
    }

    /// The resolved path, when it exists and lies inside an allowed root.
    public func resolve(_ path: String, field: String) throws(PipelineError) -> URL {
        guard !path.isEmpty, !path.contains("\0") else { throw .invalidRequest(field: field, message: "an empty path") }
        let url = (path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path))
            .standardizedFileURL.resolvingSymlinksInPath()
        guard allows(url) else {
            throw .pathNotAllowed(
                path: path,
                rule: "server-side paths must lie inside an allowed root (\(roots.map(\.path).joined(separator: ", "))); "
                    + "the operator adds roots with `xpaste serve --allow-path DIR`")
        }
        guard FileManager.default.isReadableFile(atPath: url.path) else { throw .pathNotFound(path) }
        return url
    }

    /// Whether a resolved URL lies inside an allowed root.
    public func allows(_ url: URL) -> Bool {
        let path = url.standardizedFileURL.path
        return roots.contains { root in
            let r = root.path
            return path == r || path.hasPrefix(r.hasSuffix("/") ? r : r + "/")
        }
    }
}
