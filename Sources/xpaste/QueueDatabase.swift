import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import XPasteBank
import XPastePostgres

/// The work queue a `--database` value names: a `postgres://` URL (workers on many hosts), or a
/// data folder or `.sqlite` file (the processes of one host; a folder holds `queue.sqlite`).
struct QueueDatabase {
    /// The queue.
    let queue: any WorkQueue
    /// The PostgreSQL driver, which must run (in the ServiceGroup) and be migrated before use.
    let postgres: PostgresWorkQueue?
    /// Where it is, for messages (no password).
    let description: String

    /// The default: `$XPASTE_DATABASE`, else the `data` folder.
    static var defaultValue: String {
        ProcessInfo.processInfo.environment["XPASTE_DATABASE"].flatMap { $0.isEmpty ? nil : $0 } ?? "data"
    }

    /// Opens what `value` names; typed failures exit with their codes.
    static func open(_ value: String, logger: Logger) throws -> QueueDatabase {
        if PostgresLocation.isPostgresURL(value) {
            let location: PostgresLocation
            do {
                location = try PostgresLocation(url: value)
            } catch {
                throw Console.fail(code: error.code, error.description)
            }
            let queue = PostgresWorkQueue(location: location, logger: logger)
            return QueueDatabase(queue: queue, postgres: queue, description: location.description)
        }
        var url = URL(fileURLWithPath: value).standardizedFileURL
        var isFolder: ObjCBool = false
        if url.pathExtension != "sqlite" || (FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue) {
            url = url.appendingPathComponent("queue.sqlite")
        }
        do {
            return QueueDatabase(queue: try SQLiteWorkQueue(url: url, logger: logger), postgres: nil, description: url.path)
        } catch {
            throw Console.fail(code: error.code, error.description)
        }
    }

    /// Runs `body` with the queue ready: on PostgreSQL, with the pool running and the schema
    /// migrated (waiting up to 30 s for the server), and the pool stopped afterwards.
    func withReady<T: Sendable>(_ body: @Sendable @escaping () async throws -> T) async throws -> T {
        guard let postgres else { return try await body() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await postgres.run()
                return nil
            }
            defer { group.cancelAll() }
            try await migrate()
            return try await body()
        }
    }

    /// The bank beside the queue: the same PostgreSQL database, or `bank.sqlite` in the queue
    /// file's folder.
    func openBank(logger: Logger) throws -> WorkerBank {
        if let postgres {
            let bank = PostgresBank(location: postgres.location, logger: logger)
            return WorkerBank(bank: bank, postgres: bank)
        }
        let url = URL(fileURLWithPath: description).deletingLastPathComponent().appendingPathComponent("bank.sqlite")
        do {
            return WorkerBank(bank: try SQLiteBank(url: url, logger: logger), postgres: nil)
        } catch {
            throw Console.fail(code: error.code, error.description)
        }
    }

    /// Migrates the PostgreSQL schema (nothing on SQLite); a failure exits with its code.
    func migrate() async throws {
        do {
            try await postgres?.migrate()
        } catch {
            throw Console.fail(code: error.code, "\(description): \(error.description)")
        }
    }
}

/// The bank a worker's pipeline stages write to.
struct WorkerBank {
    /// The bank.
    let bank: any InstanceBank
    /// The PostgreSQL driver, which must run and be migrated before use.
    let postgres: PostgresBank?

    /// Migrates the PostgreSQL bank (nothing on SQLite); a failure exits with its code.
    func migrate() async throws {
        do {
            try await postgres?.migrate()
        } catch {
            throw Console.fail(code: error.code, error.description)
        }
    }
}

/// `--database`, as every queue command takes it.
struct QueueDatabaseOption: ParsableArguments {
    @Option(help: "The queue: postgres://user@host:port/db, or a data folder or .sqlite file for processes on one host (default: $XPASTE_DATABASE, else ./data).")
    var database = QueueDatabase.defaultValue

    /// Opens it.
    func open(logger: Logger) throws -> QueueDatabase {
        try QueueDatabase.open(database, logger: logger)
    }
}

/// Runs `prepare`, then `service`: for a service that needs the queue migrated first, in the same
/// ServiceGroup as the queue's connection pool.
struct PreparedService: Service {
    let prepare: @Sendable () async throws -> Void
    let service: any Service

    func run() async throws {
        try await prepare()
        try await service.run()
    }
}
