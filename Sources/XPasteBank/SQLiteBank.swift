import Foundation
import GRDB
import Logging
import Synchronization

/// The instance bank in one SQLite file (WAL mode, through a GRDB `DatabasePool`): many readers,
/// one writer, readers never blocked by the writer. Large kept source images live in
/// `<file>.sources/` next to it.
public final class SQLiteBank: InstanceBank {
    /// The bank file.
    public let url: URL
    /// Where the bank logs.
    public let logger: Logger
    /// How it was opened.
    public let configuration: BankConfiguration

    let pool: DatabasePool
    let files: SourceFileStore
    let faults: BankFaultInjector?
    private let closed = Mutex(false)

    /// Schema version this build reads and writes.
    public static var schemaVersion: Int { BankSchema.currentVersion }

    /// Opens (and migrates) the bank at `url`, creating it when missing and allowed.
    ///
    /// Refuses, with a typed error and without touching the file: a file that is not SQLite
    /// (`.notSQLite`), another program's SQLite database (`.notABank`), a damaged one (`.corrupt`),
    /// and a bank written by a newer xpaste (`.newerVersion`).
    public convenience init(url: URL, configuration: BankConfiguration = .init(), logger: Logger) throws(BankError) {
        try self.init(url: url, configuration: configuration, logger: logger, laterMigrations: [], faults: nil)
    }

    /// Test seam: only the first `builtInMigrations` of this build's migrations (to play an older
    /// release), migrations appended after them (to play a newer one), and failure injection.
    init(
        url: URL, configuration: BankConfiguration, logger: Logger, builtInMigrations: Int? = nil,
        laterMigrations: [BankSchema.SQLMigration], faults: BankFaultInjector?
    ) throws(BankError) {
        let migrator = BankSchema.migrator(builtInCount: builtInMigrations, appending: laterMigrations)
        self.url = url
        self.logger = logger
        self.configuration = configuration
        self.files = SourceFileStore(bankURL: url)
        self.faults = faults
        let knownVersion = migrator.migrations.count

        let canCreate = configuration.createIfMissing && !configuration.readOnly
        // Creation and migration happen under an exclusive lock on the bank's folder, and the file is
        // probed again once the lock is held: concurrent first opens (two imports racing to make the
        // bank) then see either nothing or a complete, migrated bank, never one half made ("not an
        // xpaste bank", "index already exists"). Opening a complete, current bank takes no lock.
        var setupLock: FolderLock?
        defer { setupLock?.unlock() }
        let busy = configuration.busyTimeoutSeconds
        var found: ProbeResult
        do {
            found = try Self.probe(url, busyTimeoutSeconds: busy)
        } catch let error where canCreate && [BankError.notABank(""), .notSQLite(""), .corrupt("")].map(\.code).contains(error.code) {
            // Possibly a bank another opener is making right now: wait for it, then look again.
            setupLock = try FolderLock(folder: url.deletingLastPathComponent())
            found = try Self.probe(url, busyTimeoutSeconds: busy)
        }
        let needsSetup: Bool = switch found {
        case .absent, .empty: canCreate
        case .bank(let version): version < knownVersion && !configuration.readOnly
        }
        if needsSetup && setupLock == nil {
            setupLock = try FolderLock(folder: url.deletingLastPathComponent())
            found = try Self.probe(url, busyTimeoutSeconds: busy)
        }
        switch found {
        case .absent:
            guard canCreate else { throw BankError.notFound(url.path) }
            logger.info("creating bank", metadata: ["path": "\(url.path)"])
        case .empty:
            // A zero-byte file (or an SQLite file without tables) becomes a bank only when the
            // caller may create one; read commands refuse it instead of writing a schema into it.
            guard canCreate else { throw BankError.notSQLite("\(url.path) is empty, not an xpaste bank") }
            logger.info("initialising empty file as a bank", metadata: ["path": "\(url.path)"])
        case .bank(let version):
            if version > knownVersion {
                throw BankError.newerVersion(
                    "\(url.path) has schema version \(version); this xpaste knows versions up to \(knownVersion)")
            }
        }

        var config = Configuration()
        config.readonly = configuration.readOnly
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(configuration.busyTimeoutSeconds)
        config.maximumReaderCount = max(1, configuration.maximumReaders)
        config.label = "xpaste-bank"
        let synchronous = configuration.durability == .full ? "FULL" : "NORMAL"
        config.prepareDatabase { db in
            // 16 KiB pages for new files (a no-op on existing ones): a 100 KB cutout spans 7 overflow
            // pages instead of 25, which makes blob writes about a fifth faster.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA page_size = 16384") }
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            // 32 MiB of page cache per connection (SQLite's default is 2 MiB): browse pages and
            // index inserts on a million-row bank touch more pages than that.
            try db.execute(sql: "PRAGMA cache_size = -32768")
        }
        do {
            pool = try DatabasePool(path: url.path, configuration: config)
        } catch {
            throw Self.openError(error, path: url.path)
        }
        do {
            let (superseded, applied) = try pool.read { db in
                (try migrator.hasBeenSuperseded(db), try migrator.appliedIdentifiers(db))
            }
            if superseded {
                let unknown = applied.subtracting(migrator.migrations).sorted()
                throw BankError.newerVersion("\(url.path) has migrations this xpaste does not know: \(unknown.joined(separator: ", "))")
            }
            let pending = migrator.migrations.filter { !applied.contains($0) }
            if !pending.isEmpty && configuration.readOnly {
                throw BankError.io("\(url.path) needs migrations (\(pending.joined(separator: ", "))) but was opened read-only")
            }
            if !pending.isEmpty {
                logger.info("migrating bank", metadata: ["path": "\(url.path)", "migrations": "\(pending.joined(separator: ","))"])
                try migrator.migrate(pool)
            }
        } catch {
            try? pool.close()
            throw Self.openError(error, path: url.path)
        }
    }

    /// Checkpoints the write-ahead log into the bank file and closes every connection; later calls
    /// fail; closing again does nothing (a second close used to crash inside SQLite). (GRDB closes the writer before its read-only readers, so SQLite's own checkpoint on last
    /// close never runs; without this the file alone would lack the latest commits.)
    public func close() throws(BankError) {
        guard !closed.withLock({ was in defer { was = true }; return was }) else { return }
        do {
            if !configuration.readOnly {
                do {
                    try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
                } catch let error as DatabaseError where error.resultCode.primaryResultCode == .SQLITE_BUSY {
                    // Another connection (another process with the bank open) is reading: the commits
                    // are safe in the write-ahead log and whoever closes last checkpoints them.
                    logger.debug("checkpoint on close deferred: the bank is in use", metadata: ["path": "\(url.path)"])
                }
            }
            try pool.close()
        } catch {
            throw Self.openError(error, path: url.path)
        }
    }

    /// Copies the write-ahead log into the bank file without closing it. A long-running service
    /// calls this periodically: with readers always open, SQLite's automatic checkpoints can fall
    /// behind and the log grows without bound.
    public func checkpoint() throws(BankError) {
        try BankErrorMapping.run { try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) } }
    }

    /// `InstanceBank.write`: the synchronous transaction, run on a thread off the cooperative pool
    /// (it may wait up to the busy timeout for another process's write lock).
    public func write<T: Sendable>(_ body: @escaping @Sendable (any BankWriter) throws -> T) async throws -> T {
        try await BlockingWork.run { () throws -> T in try self.write(body as (any BankWriter) throws -> T) }
    }

    /// Runs `body` in one write transaction on the calling thread (GRDB's writer queue: one writer
    /// at a time, readers unaffected); everything it wrote commits together or, if it throws, not
    /// at all.
    public func write<T>(_ body: (any BankWriter) throws -> T) throws -> T {
        do {
            return try pool.write { db in
                let writer = SQLiteBankWriter(db: db, configuration: configuration, files: files, faults: faults)
                return try body(writer)
            }
        } catch let error as DatabaseError where [.SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_CANTOPEN, .SQLITE_PERM]
            .contains(error.resultCode.primaryResultCode) {
            // The I/O failures name the file (the others keep their own mapping by the caller).
            throw Self.openError(error, path: url.path)
        } catch let error as BankError {
            switch error {
            case .io(let m) where !m.contains(url.path): throw BankError.io("\(url.path): \(m)")
            case .busy(let m) where !m.contains(url.path): throw BankError.busy("\(url.path): \(m)")
            default: throw error
            }
        }
    }

    /// One integer from a read-only query: diagnostics and tests that look at what is really stored.
    func scalar(_ sql: String) throws(BankError) -> Int {
        try read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    /// Runs `body` in a read transaction (a consistent snapshot), mapping errors (an I/O error names
    /// the file).
    func read<T>(_ body: (Database) throws -> T) throws(BankError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw Self.openError(error, path: url.path)
        }
    }

    // MARK: Opening

    enum ProbeResult: Equatable {
        case absent
        case empty
        case bank(version: Int)
    }

    private static let sqliteMagic = Array("SQLite format 3\0".utf8)

    /// Looks at an existing file before GRDB touches it: opening a foreign database as a pool would
    /// switch it to WAL mode, which must not happen to someone else's file.
    static func probe(_ url: URL, busyTimeoutSeconds: Double = 10) throws(BankError) -> ProbeResult {
        let path = url.path
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { return .absent }
        guard !isDirectory.boolValue else { throw BankError.notSQLite("\(path) is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw BankError.io("cannot read \(path)") }
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        try? handle.close()
        if header.isEmpty { return .empty }
        guard header.count == 100, Array(header.prefix(16)) == sqliteMagic else {
            throw BankError.notSQLite("\(path) does not start with the SQLite header")
        }
        do {
            return try probeSchema(path, busyTimeoutSeconds: busyTimeoutSeconds)
        } catch {
            throw openError(error, path: path)
        }
    }

    private static func probeSchema(_ path: String, busyTimeoutSeconds: Double) throws -> ProbeResult {
        var config = Configuration()
        config.readonly = true
        // Another process may hold a lock for a moment (a checkpoint on close): wait, don't fail.
        config.busyMode = .timeout(busyTimeoutSeconds)
        let queue = try DatabaseQueue(path: path, configuration: config)
        defer { try? queue.close() }
        return try queue.read { db throws -> ProbeResult in
            let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
            let applicationId = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            if applicationId == BankSchema.applicationId { return .bank(version: version) }
            if tables == 0 && applicationId == 0 { return .empty }
            let what = applicationId == 0 ? "\(tables) schema objects, no application id" : String(format: "application id 0x%08X", applicationId)
            throw BankError.notABank("\(path) is an SQLite database of another program (\(what))")
        }
    }

    /// The typed error for a failure on the bank file, naming the file.
    static func openError(_ error: any Error, path: String) -> BankError {
        func named(_ m: String) -> String { m.contains(path) ? m : "\(path): \(m)" }
        return switch BankErrorMapping.map(error) {
        case .notSQLite(let m): .notSQLite(named(m))
        case .corrupt(let m): .corrupt(named(m))
        case .io(let m): .io(named(m))
        case .busy(let m): .busy(named(m))
        case .database(let m): .database(named(m))
        case let other: other
        }
    }
}
