import Foundation

/// What the work queue throws. Each case has a stable `code` for the HTTP layer, the CLI and logs;
/// messages may change.
public enum WorkQueueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database cannot be reached now (connection refused or lost, server restarting). Workers
    /// retry these with back-off; nothing was written.
    case unavailable(String)
    /// An argument is out of range or malformed (a limit, a lease, an empty stage list).
    case invalidArgument(String)
    /// The file or database exists but is not an xpaste work queue.
    case notAQueue(String)
    /// The file system refused (cannot create the folder, disk full, read-only).
    case io(String)
    /// Any other database error, with the database's message.
    case database(String)

    /// The stable code.
    public var code: String {
        switch self {
        case .unavailable: "queue.unavailable"
        case .invalidArgument: "queue.invalid_argument"
        case .notAQueue: "queue.not_a_queue"
        case .io: "queue.io"
        case .database: "queue.database"
        }
    }

    /// A sentence for people.
    public var description: String {
        switch self {
        case .unavailable(let m): "the work queue's database is unavailable: \(m)"
        case .invalidArgument(let m): "invalid work-queue request: \(m)"
        case .notAQueue(let m): "not an xpaste work queue: \(m)"
        case .io(let m): "work queue storage error: \(m)"
        case .database(let m): "work queue database error: \(m)"
        }
    }

    /// Whether retrying later may succeed (the database was unreachable or busy).
    public var isTransient: Bool {
        if case .unavailable = self { return true }
        return false
    }
}
