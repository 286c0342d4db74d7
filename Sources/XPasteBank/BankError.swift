/// Failures of the instance bank.
///
/// Each case has a stable `code` that the HTTP layer and the CLI show; messages may change,
/// codes may not.
public enum BankError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file is a valid SQLite database that some other program made (it has tables but not the
    /// xpaste application id).
    case notABank(String)
    /// The file is not an SQLite database at all (wrong header, too short, or SQLite says so).
    case notSQLite(String)
    /// The file is an SQLite database whose pages are damaged.
    case corrupt(String)
    /// The bank was written by a newer xpaste (its schema version or migrations are unknown here).
    case newerVersion(String)
    /// No bank exists at the path and the caller asked not to create one.
    case notFound(String)
    /// Blob bytes are not what the bank stores there (not a PNG, not RGBA, empty).
    case invalidBlob(String)
    /// A category id or name that the bank does not hold, or an id in the wrong range.
    case invalidCategory(String)
    /// A source id that the bank does not hold.
    case unknownSource(Int64)
    /// An instance id that the bank does not hold.
    case unknownInstance(Int64)
    /// A pagination cursor that is malformed or was made for another query.
    case invalidCursor(String)
    /// An argument outside what the operation accepts.
    case invalidArgument(String)
    /// A source image kept in the folder next to the bank is missing or does not match its hash.
    case missingSourceFile(String)
    /// There is nothing to sample: no category has an accepted instance (within the restriction).
    case emptyPool(String)
    /// Another process held the bank's write lock for longer than the busy timeout.
    case busy(String)
    /// Reading or writing a file outside the database failed (source folder, import, export).
    case io(String)
    /// An import source (pool json, folder, COCO file) is malformed.
    case invalidImport(String)
    /// The bank's database server cannot be reached or is going away (PostgreSQL); worth a retry.
    case unavailable(String)
    /// Any other database failure.
    case database(String)

    /// Stable machine-readable code.
    public var code: String {
        switch self {
        case .notABank: "bank.not_a_bank"
        case .notSQLite: "bank.not_sqlite"
        case .corrupt: "bank.corrupt"
        case .newerVersion: "bank.newer_version"
        case .notFound: "bank.not_found"
        case .invalidBlob: "bank.invalid_blob"
        case .invalidCategory: "bank.invalid_category"
        case .unknownSource: "bank.unknown_source"
        case .unknownInstance: "bank.unknown_instance"
        case .invalidCursor: "bank.invalid_cursor"
        case .invalidArgument: "bank.invalid_argument"
        case .missingSourceFile: "bank.missing_source_file"
        case .emptyPool: "bank.empty_pool"
        case .busy: "bank.busy"
        case .io: "bank.io"
        case .invalidImport: "bank.invalid_import"
        case .unavailable: "bank.unavailable"
        case .database: "bank.database"
        }
    }

    /// Human-readable explanation.
    public var description: String {
        switch self {
        case .notABank(let m): "not an xpaste bank: \(m)"
        case .notSQLite(let m): "not an SQLite database: \(m)"
        case .corrupt(let m): "the bank is damaged: \(m)"
        case .newerVersion(let m): "the bank was written by a newer xpaste: \(m)"
        case .notFound(let m): "no bank at \(m)"
        case .invalidBlob(let m): "invalid blob: \(m)"
        case .invalidCategory(let m): "invalid category: \(m)"
        case .unknownSource(let id): "no source with id \(id)"
        case .unknownInstance(let id): "no instance with id \(id)"
        case .invalidCursor(let m): "invalid cursor: \(m)"
        case .invalidArgument(let m): "invalid argument: \(m)"
        case .missingSourceFile(let m): "source image file missing: \(m)"
        case .emptyPool(let m): "nothing to sample: \(m)"
        case .busy(let m): "the bank is busy: \(m)"
        case .io(let m): "file I/O failed: \(m)"
        case .invalidImport(let m): "cannot import: \(m)"
        case .unavailable(let m): "the bank's database is unavailable: \(m)"
        case .database(let m): "database error: \(m)"
        }
    }
}
