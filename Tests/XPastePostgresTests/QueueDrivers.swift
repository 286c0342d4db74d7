import Foundation
import Logging
import Testing
import XPasteBank
import XPastePostgres
import XPasteTestSupport

/// The two queue drivers the conformance suite runs every test against.
enum QueueDriver: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Runs `body` with a fresh, empty queue of this driver; `another` opens a second handle on the
    /// same storage (a second process's view: its own connections, its own listener).
    func withQueue(
        _ body: @Sendable (_ queue: any WorkQueue, _ another: @Sendable () async throws -> any WorkQueue) async throws -> Void
    ) async throws {
        let logger: Logger = {
            var l = Logger(label: "test.queue")
            l.logLevel = .error
            return l
        }()
        switch self {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xpq-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: dir) }
            let url = dir.appendingPathComponent("queue.sqlite")
            let queue = try SQLiteWorkQueue(url: url, logger: logger)
            try await body(queue) { try SQLiteWorkQueue(url: url, logger: logger) }
        case .postgres:
            let cluster = try PostgresTestCluster.shared.get()
            let location = try PostgresLocation(url: try cluster.makeDatabase(prefix: "queue"))
            let opened = OpenedQueues()
            defer { opened.cancelAll() }
            @Sendable func open() async throws -> PostgresWorkQueue {
                let queue = PostgresWorkQueue(location: location, logger: logger)
                opened.add(Task { try await queue.run() })
                try await queue.migrate(timeout: .seconds(120))
                return queue
            }
            let queue = try await open()
            try await body(queue) { try await open() }
        }
    }
}

/// The running tasks of the PostgreSQL queues a test opened, cancelled when it ends.
final class OpenedQueues: @unchecked Sendable {
    private let lock = NSLock()
    private var tasks: [Task<Void, any Error>] = []
    func add(_ task: Task<Void, any Error>) { lock.withLock { tasks.append(task) } }
    func cancelAll() { lock.withLock { for t in tasks { t.cancel() } } }
}

/// Items of `stage` for `job`, ids in order `prefix-000`, `prefix-001`, ….
func makeItems(_ count: Int, job: String = "job-1", stage: String = "probe", prefix: String = "item", maxAttempts: Int = 3) -> [NewWorkItem] {
    (0..<count).map { i in
        NewWorkItem(
            id: "\(prefix)-\(String(format: "%03d", i))", jobId: job, stage: stage, payload: Data("{\"n\":\(i)}".utf8),
            maxAttempts: maxAttempts)
    }
}
