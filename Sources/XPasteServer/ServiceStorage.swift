import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import XPasteBank
import XPastePostgres

/// Where the service keeps its bank, its jobs and its work queue: three SQLite files in the data
/// folder (the default, for one host), or one PostgreSQL database that workers on other hosts
/// share (`--database postgres://…`).
struct ServiceStorage: Sendable {
    /// The bank.
    let bank: any InstanceBank
    /// The job ledger.
    let ledger: any JobLedger
    /// The work queue.
    let queue: any WorkQueue
    /// Write-ahead logs to copy into their files now and then (SQLite only).
    let checkpoints: [(String, @Sendable () throws -> Void)]
    /// Keeps PostgreSQL's connection pools running until the service shuts down (nil for SQLite).
    let pools: ConnectionPools?

    /// Opens the storage `configuration` names. PostgreSQL is connected to and migrated here, so
    /// the service starts only on a database it can use.
    static func open(_ configuration: ServerConfiguration, logger: Logger) async throws -> ServiceStorage {
        guard let url = configuration.database else {
            let bank = try SQLiteBank(url: configuration.bankURL, logger: logger)
            let ledger = try SQLiteJobLedger(url: configuration.ledgerURL, logger: logger)
            let queue = try SQLiteWorkQueue(url: configuration.queueURL, logger: logger)
            return ServiceStorage(
                bank: bank, ledger: ledger, queue: queue,
                checkpoints: [("bank", { try bank.checkpoint() }), ("jobs", { try ledger.checkpoint() })], pools: nil)
        }
        let location = try PostgresLocation(url: url)
        let bank = PostgresBank(location: location, logger: logger)
        let ledger = PostgresJobLedger(location: location, logger: logger)
        let queue = PostgresWorkQueue(location: location, logger: logger)
        let pools = ConnectionPools(running: [
            Task { try await bank.run() }, Task { try await ledger.run() }, Task { try await queue.run() },
        ])
        do {
            try await bank.migrate(timeout: .seconds(30))
            try await ledger.migrate(timeout: .seconds(30))
            try await queue.migrate(timeout: .seconds(30))
        } catch {
            await pools.close()
            throw error
        }
        logger.notice("storage: PostgreSQL", metadata: ["database": "\(location)"])
        return ServiceStorage(bank: bank, ledger: ledger, queue: queue, checkpoints: [], pools: pools)
    }
}

/// PostgreSQL's connection pools, started before the service (so it can migrate and check the
/// database before it listens) and closed after everything else has stopped: listed first among
/// the application's services, it is the last one asked to shut down.
final class ConnectionPools: Service, Sendable {
    private let running: Mutex<[Task<Void, any Error>]>

    init(running: [Task<Void, any Error>]) {
        self.running = Mutex(running)
    }

    func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Stops the pools and waits for them.
    func close() async {
        let tasks = running.withLock { t in
            defer { t.removeAll() }
            return t
        }
        for task in tasks { task.cancel() }
        for task in tasks { _ = await task.result }
    }
}
