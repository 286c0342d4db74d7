import Logging
import ServiceLifecycle

/// Periodically copies the write-ahead logs of the bank and the job ledger into their files, so
/// the logs stay small under a steady write load with readers always open.
public struct CheckpointService: Service {
    /// What to checkpoint, by name.
    public let targets: [(name: String, checkpoint: @Sendable () throws -> Void)]
    /// How often.
    public let interval: Duration
    /// Where failures are logged.
    public let logger: Logger

    /// A service checkpointing `targets` every `interval`.
    public init(targets: [(name: String, checkpoint: @Sendable () throws -> Void)], interval: Duration = .seconds(30), logger: Logger) {
        self.targets = targets
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while true {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                break
            }
            checkpointAll()
        }
        // One last time on the way out, so the files alone hold every commit.
        checkpointAll()
    }

    private func checkpointAll() {
        for target in targets {
            do {
                try target.checkpoint()
            } catch {
                logger.warning("WAL checkpoint failed", metadata: ["database": "\(target.name)", "error": "\(error)"])
            }
        }
    }
}
