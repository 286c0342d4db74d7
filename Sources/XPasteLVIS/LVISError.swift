/// Failures reading, writing or validating LVIS / COCO instance files.
public enum LVISError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file is not valid JSON or does not have the LVIS/COCO shape; `path` locates the problem.
    case malformed(path: String, message: String)
    /// A file could not be opened, read or written.
    case io(String)

    /// Stable machine-readable code.
    public var code: String {
        switch self {
        case .malformed: "lvis.malformed"
        case .io: "lvis.io"
        }
    }

    /// Human-readable explanation.
    public var description: String {
        switch self {
        case .malformed(let path, let message): "malformed LVIS json at \(path): \(message)"
        case .io(let m): "LVIS file I/O failed: \(m)"
        }
    }
}
