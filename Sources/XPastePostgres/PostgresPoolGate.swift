import Logging
import Synchronization
import XPasteBank

/// Start-up of a PostgreSQL-backed store: its pool starts in `run()`, and `migrate` waits for that,
/// then retries the migration while the server is starting, up to a deadline. The bank and the
/// job ledger share it.
final class PostgresPoolGate: Sendable {
    private let running = Mutex(false)
    private let started = WakeSignal()

    /// Called by `run()` just before the pool runs.
    func markRunning() {
        running.withLock { $0 = true }
        started.signal()
    }

    /// Runs `attempt` (one migration in one transaction) once the pool runs, retrying
    /// `bank.unavailable` until `timeout`; each attempt is bounded by what time is left.
    func migrate(
        _ what: String, location: PostgresLocation, timeout: Duration, logger: Logger,
        _ attempt: @escaping @Sendable () async throws(BankError) -> Void
    ) async throws(BankError) {
        let deadline = ContinuousClock.now + timeout
        while !running.withLock({ $0 }) {
            guard ContinuousClock.now < deadline else { throw .unavailable("the connection pool is not running (run the \(what) as a service first)") }
            await started.wait(timeout: .milliseconds(50))
        }
        while true {
            do throws(BankError) {
                let remaining = max(deadline - ContinuousClock.now, .milliseconds(100))
                try await PostgresBankCall.deadline("connecting to \(location)", limit: remaining, attempt)
                return
            } catch {
                guard error.code == "bank.unavailable", ContinuousClock.now < deadline else { throw error }
                logger.info("waiting for PostgreSQL", metadata: ["database": "\(location)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }
}
