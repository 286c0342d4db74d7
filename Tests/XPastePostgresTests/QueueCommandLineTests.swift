import Foundation
import Logging
import Testing
import XPasteBank
import XPastePostgres
import XPasteTestSupport

/// Bad input to `xpaste worker` and `xpaste queue`, through the built binary: each is refused with
/// its stable code and exit status, and writes nothing; and a database that is not there is a
/// typed `unavailable`.
@Suite struct QueueCommandLineTests {
    /// Runs the binary; its exit status and standard error.
    func xpaste(_ arguments: [String]) throws -> (Int32, String) {
        let binary = try #require(XPasteBinary.url, "build the xpaste product (swift build --build-tests builds it)")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func refusalsHaveCodesAndExitStatuses() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xpq-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let garbage = dir.appendingPathComponent("garbage.sqlite")
        try Data(repeating: 0x41, count: 8192).write(to: garbage)

        var (status, text) = try xpaste(["worker", "--database", dir.path, "--concurrency", "0"])
        #expect(status == 64 && text.contains("--concurrency"), "\(status) \(text)")
        (status, text) = try xpaste(["worker", "--database", dir.path, "--lease-seconds", "0"])
        #expect(status == 64 && text.contains("--lease-seconds"), "\(status) \(text)")
        (status, text) = try xpaste(["worker", "--database", dir.path, "--stages", "probe,paint"])
        #expect(status == 64 && text.contains("[queue.invalid_argument]") && text.contains("paint") && text.contains("extract"), "\(status) \(text)")
        (status, text) = try xpaste(["queue", "status", "--database", "postgres://u:hunter2@h/db?sslmode=bogus"])
        #expect(status == 64 && text.contains("[postgres.invalid_url]") && !text.contains("hunter2"), "\(status) \(text)")
        (status, text) = try xpaste(["queue", "status", "--database", garbage.path])
        #expect(status == 65 && text.contains("[queue.not_a_queue]"), "\(status) \(text)")
        (status, text) = try xpaste(["queue", "probe", "--database", dir.path, "--items", "0"])
        #expect(status == 64 && text.contains("--items"), "\(status) \(text)")
        // Nothing was written: no queue file in the folder, the garbage file untouched.
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("queue.sqlite").path))
        #expect(try Data(contentsOf: garbage) == Data(repeating: 0x41, count: 8192))
    }

    @Test func aServerThatIsNotThereIsUnavailable() async throws {
        // Port 1 on loopback: nothing listens there, so every connection is refused. Without the
        // deadline, postgres-nio's pool keeps the request waiting for about a minute.
        let url = "postgres://xpaste@127.0.0.1:1/none?sslmode=disable"
        let queue = PostgresWorkQueue(location: try PostgresLocation(url: url), logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
        let task = Task { try await queue.run() }
        defer { task.cancel() }
        let start = ContinuousClock.now
        do {
            try await queue.migrate(timeout: .seconds(1))
            Issue.record("migrated against nothing")
        } catch {
            #expect(error.code == "queue.unavailable", "\(error)")
            #expect(error.isTransient)
        }
        // Alone this takes about 1 s; beside the whole suite on two cores the timer can wait its
        // turn for tens of seconds. Without the deadline it is over a minute.
        #expect(ContinuousClock.now - start < .seconds(50), "migrate(timeout: 1 s) took \(ContinuousClock.now - start)")
    }
}
