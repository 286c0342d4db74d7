/// How a bank is opened.
public struct BankConfiguration: Sendable, Hashable {
    /// What a commit survives.
    public enum Durability: String, Sendable, Hashable {
        /// `synchronous = NORMAL` in WAL mode: a committed transaction survives the process being
        /// killed; the last few may be lost on power failure. SQLite's recommended WAL setting.
        case normal
        /// `synchronous = FULL`: every commit is fsynced; survives power failure too, at a write cost.
        case full
    }

    /// Create an empty bank when the file does not exist (else `BankError.notFound`).
    public var createIfMissing: Bool
    /// How long a write waits for another process's write lock before `BankError.busy`.
    public var busyTimeoutSeconds: Double
    /// Commit durability.
    public var durability: Durability
    /// Kept source images larger than this go into the folder next to the bank file instead of the
    /// bank itself, so the database stays small enough to copy and back up.
    public var sourceFolderThreshold: Int
    /// Concurrent read connections.
    public var maximumReaders: Int
    /// Open for reading only: nothing is created, migrated or written (a write fails with
    /// `BankError.io` naming the file), so a bank on read-only storage or with mode 0444 can be read.
    /// A missing or empty file is refused rather than made into a bank.
    public var readOnly: Bool = false

    /// Creates a configuration; the defaults suit a single machine.
    public init(
        createIfMissing: Bool = true, busyTimeoutSeconds: Double = 10, durability: Durability = .normal,
        sourceFolderThreshold: Int = 1 << 20, maximumReaders: Int = 8
    ) {
        self.createIfMissing = createIfMissing
        self.busyTimeoutSeconds = busyTimeoutSeconds
        self.durability = durability
        self.sourceFolderThreshold = sourceFolderThreshold
        self.maximumReaders = maximumReaders
    }

    /// The configuration read-only commands use: never creates, migrates or writes.
    public static var readOnly: BankConfiguration {
        var c = BankConfiguration(createIfMissing: false)
        c.readOnly = true
        return c
    }
}
