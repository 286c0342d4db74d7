/// Failures reading, writing or validating LVIS / COCO instance files.
public enum LVISError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file is not valid JSON or does not have the LVIS/COCO shape. `path` locates the value
    /// (`$.annotations[12].bbox`), `offset` is the byte offset in the input where reading stopped.
    case malformed(path: String, offset: Int64, message: String)
    /// The data is well-formed but breaks a rule the loaders rely on (unknown ids, bad polygons…);
    /// every violation found is listed.
    case invalid([LVISViolation])
    /// A file could not be opened, read or written.
    case io(String)

    /// Stable machine-readable code.
    public var code: String {
        switch self {
        case .malformed: "lvis.malformed"
        case .invalid: "lvis.invalid"
        case .io: "lvis.io"
        }
    }

    /// Human-readable explanation.
    public var description: String {
        switch self {
        case .malformed(let path, let offset, let message):
            "malformed LVIS json at \(path) (byte \(offset)): \(message)"
        case .invalid(let violations):
            "invalid LVIS data: " + violations.prefix(5).map(\.description).joined(separator: "; ")
                + (violations.count > 5 ? "; … \(violations.count - 5) more" : "")
        case .io(let m): "LVIS file I/O failed: \(m)"
        }
    }
}
