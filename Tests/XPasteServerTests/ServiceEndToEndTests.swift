import Foundation
import Testing
import XPasteInference
import XPasteTestSupport

/// The real binary over real HTTP: the README's curl walk-through, a whole upload → curate →
/// dataset flow loaded with lvis-api and pycocotools, and SIGKILL in the middle of an extract and
/// of a composite (Reference/service_e2e.py does the talking; see its scenarios).
@Suite("Service end to end", .serialized)
struct ServiceEndToEndTests {
    static var binary: URL { SharedData.repositoryRoot.appendingPathComponent(".build/debug/xpaste") }

    static func run(_ scenario: String, database: String? = nil, workers: Int = 0) throws -> [String: Any] {
        let models = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-e2e-models-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: models) }
        try ServerFixture.installTinyCLIP(ModelsDirectory(root: models))
        let out = try ReferencePython.run(
            script: "Tests/XPasteServerTests/Reference/service_e2e.py",
            arguments: [binary.path, SharedData.directory.appendingPathComponent("images").path, models.appendingPathComponent("clip-tiny").path, scenario]
                + (database.map { [$0] } ?? []) + (workers > 0 ? [String(workers)] : []))
        let line = try #require(String(decoding: out, as: UTF8.self).split(separator: "\n").last)
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path)))
    func readmeWalkThroughRunsAsWritten() throws {
        let result = try Self.run("readme")
        #expect(result["readme"] as? String == "ok")
        #expect((result["shutdown_seconds"] as? Double ?? 99) < 10)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path)))
    func uploadCurateComposeAndLoad() throws {
        let result = try Self.run("flow")
        #expect(result["flow"] as? String == "ok")
        #expect((result["annotations"] as? Int ?? 0) > 0)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path)))
    func killedDuringExtractResumesWithoutLossOrDuplicates() throws {
        let result = try Self.run("kill-extract")
        #expect(result["kill_extract"] as? String == "ok")
        #expect((result["done_before_kill"] as? Int ?? 0) >= 8)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary.path)))
    func killedDuringCompositeEndsByteIdentical() throws {
        let result = try Self.run("kill-composite")
        #expect(result["kill_composite"] as? String == "ok")
    }
}

/// The same walk-throughs with the bank, the jobs and the queue in PostgreSQL (`serve --database`):
/// the flow to a loadable dataset, and SIGKILL mid-extract with the bank checked afterwards
/// through `xpaste bank copy` into a file. Runs in make test's PostgreSQL pass.
@Suite("PostgresServiceEndToEnd", .serialized)
struct PostgresServiceEndToEndTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: ServiceEndToEndTests.binary.path)))
    func uploadCurateComposeAndLoadOnPostgres() throws {
        let url = try PostgresTestCluster.shared.get().makeDatabase(prefix: "e2e")
        let result = try ServiceEndToEndTests.run("flow", database: url)
        #expect(result["flow"] as? String == "ok")
        #expect((result["annotations"] as? Int ?? 0) > 0)
    }

    /// Extract, filter and composite queued by the server (`--dispatch`) and run by two
    /// `xpaste worker` processes: the same dataset loads, every item ran on a worker.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: ServiceEndToEndTests.binary.path)))
    func theFlowRunsOnTwoWorkers() throws {
        let url = try PostgresTestCluster.shared.get().makeDatabase(prefix: "e2e")
        let result = try ServiceEndToEndTests.run("flow", database: url, workers: 2)
        #expect(result["flow"] as? String == "ok")
        #expect((result["annotations"] as? Int ?? 0) > 0)
        let ran = try #require(result["workers"] as? [String: Int])
        #expect(ran.values.reduce(0, +) == 5 && Set(ran.keys).isSubset(of: ["e2e-0", "e2e-1"]), "\(ran)")
    }

    /// A worker SIGKILLed mid-extract: its lease runs out, a second worker finishes the item, and
    /// every source is cut out exactly once.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: ServiceEndToEndTests.binary.path)))
    func aWorkerKilledMidItemIsReplacedWithoutDuplicates() throws {
        let url = try PostgresTestCluster.shared.get().makeDatabase(prefix: "e2e")
        let result = try ServiceEndToEndTests.run("kill-worker", database: url)
        #expect(result["kill_worker"] as? String == "ok")
        #expect((result["made_before_kill"] as? Int ?? 0) >= 8)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: ServiceEndToEndTests.binary.path)))
    func killedDuringExtractResumesOnPostgres() throws {
        let url = try PostgresTestCluster.shared.get().makeDatabase(prefix: "e2e")
        let result = try ServiceEndToEndTests.run("kill-extract", database: url)
        #expect(result["kill_extract"] as? String == "ok")
        #expect((result["done_before_kill"] as? Int ?? 0) >= 8)
    }
}
