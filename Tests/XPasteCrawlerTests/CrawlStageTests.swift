import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import XPasteBank
import XPasteInference
@testable import XPasteCrawler
import XPastePipeline
import XPasteStages
import XPasteTestSupport

@Suite(.serialized) struct CrawlStageTests {
    static let logger: Logger = {
        var l = Logger(label: "xpaste.crawl.tests")
        l.logLevel = .error
        return l
    }()

    func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-crawlstage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func storesWithProvenanceCountsEveryFailureAndResumes() async throws {
        let server = try LocalServer()
        let dir = try temporaryFolder()
        let bank = try SQLiteBank(url: dir.appendingPathComponent("bank.sqlite"), logger: Self.logger)
        defer { try? bank.close() }
        let horse = try await bank.userCategory(named: "horse")
        let paths = ["/img/horse.png", "/img/chelsea.png", "/img/rocket.jpg", "/redirect/1", "/corrupt", "/noai", "/private/coffee.png",
                     "/bomb", "/tiny", "/html", "/missing"]
        let list = "url,licence,author\n" + paths.map { "\(server.url($0)),CC BY 4.0,Someone" }.joined(separator: "\n")
        let source = try URLListSource(text: list, format: "csv")
        let fetcher = try HTTPFetcher(configuration: testConfiguration { $0.retries = 0 })
        defer { fetcher.close() }
        let stage = CrawlStage(bank: bank, crawler: Crawler(fetcher: fetcher), logger: Self.logger)
        let options = CrawlStage.Options(categories: [(horse.id, "horse", [])], source: source, count: 50, batchSize: 2, window: 1, jobId: "j1")
        let summary = try await stage.run(options)
        #expect(summary.candidates == 11)
        #expect(summary.stored == 3)
        #expect(summary.duplicates == 1)  // /redirect/1 ends at horse.png
        #expect(summary.failures == [
            "image.corrupt": 1, "crawl.x_robots_tag": 1, "crawl.robots_disallowed": 1, "image.too_large": 1, "crawl.too_small": 1,
            "crawl.wrong_content_type": 1, "crawl.http_404": 1,
        ])
        let sources = try bank.sources(status: nil, kinds: [.crawled], categoryIds: [horse.id], afterId: 0, limit: 100)
        #expect(sources.count == 3)
        #expect(sources.allSatisfy { $0.provenance.licence == "CC BY 4.0" && $0.provenance.author == "Someone" && $0.jobId == "j1" })
        #expect(Set(sources.compactMap(\.provenance.url)) == Set(["/img/horse.png", "/img/chelsea.png", "/img/rocket.jpg"].map(server.url)))
        #expect(server.requests("/private/").isEmpty)

        // A re-run skips the stored URLs without a request.
        let again = try await stage.run(options)
        #expect(again.skipped == 3 && again.stored == 0)
        #expect(server.requests("/img/chelsea.png").count == 1 && server.requests("/img/rocket.jpg").count == 1)
    }

    /// Issue 10: the last batch's flush and the end of the run both reported, so `xpaste crawl`
    /// printed its final progress line twice.
    @Test func reportsTheFinalProgressOnce() async throws {
        let server = try LocalServer()
        let dir = try temporaryFolder()
        let bank = try SQLiteBank(url: dir.appendingPathComponent("bank.sqlite"), logger: Self.logger)
        defer { try? bank.close() }
        let c = try await bank.userCategory(named: "horse")
        let fetcher = try HTTPFetcher(configuration: testConfiguration())
        defer { fetcher.close() }
        let stage = CrawlStage(bank: bank, crawler: Crawler(fetcher: fetcher), logger: Self.logger)
        let list = try URLListSource(text: ["/img/horse.png", "/img/chelsea.png", "/missing"].map(server.url).joined(separator: "\n"), format: "txt")
        let reports = Reports()
        let summary = try await stage.run(
            .init(categories: [(c.id, "horse", [])], source: list, count: 10, batchSize: 5, window: 1), progress: { reports.append($0) })
        let seen = reports.all
        #expect(summary.stored == 2)
        #expect(seen.last?.done == 3)
        #expect(seen.last?.detail == "2 stored, 0 duplicates, 1 failed, 0 already stored")
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 != $1 }, "consecutive equal reports: \(seen.map(\.detail))")
    }

    @Test func stopsAtTheCountAndFindsNearDuplicates() async throws {
        let server = try LocalServer()
        let dir = try temporaryFolder()
        let bank = try SQLiteBank(url: dir.appendingPathComponent("bank.sqlite"), logger: Self.logger)
        defer { try? bank.close() }
        let c = try await bank.userCategory(named: "cat")
        let fetcher = try HTTPFetcher(configuration: testConfiguration())
        defer { fetcher.close() }
        var v = ValidationOptions()
        v.resizeShortestSide = 100
        let stage = CrawlStage(bank: bank, crawler: Crawler(fetcher: fetcher, validation: v), logger: Self.logger)
        // The same photo at two sizes: different bytes, same picture.
        let near = try URLListSource(text: [server.url("/img/chelsea.png"), server.url("/img/chelsea.png?again")].joined(separator: "\n"), format: "txt")
        let s = try await stage.run(.init(categories: [(c.id, "cat", [])], source: near, count: 5, window: 1, nearDuplicateDistance: 4))
        #expect(s.stored == 1)
        #expect(s.duplicates + (s.failures["crawl.near_duplicate"] ?? 0) == 1)
        let many = try URLListSource(text: SharedData.imageNames.map { server.url("/img/\($0)") }.joined(separator: "\n"), format: "txt")
        let d = try await stage.run(.init(categories: [(c.id, "cat", [])], source: many, count: 3, window: 2))
        #expect(try bank.sources(status: nil, kinds: [.crawled], categoryIds: [c.id], afterId: 0, limit: 100).count == 3)
        #expect(d.stored == 2)
    }

    @Test func aJobCrawlsThroughTheRunner() async throws {
        let server = try LocalServer()
        let dir = try temporaryFolder()
        let bank = try SQLiteBank(url: dir.appendingPathComponent("bank.sqlite"), logger: Self.logger)
        let ledger = try SQLiteJobLedger(url: dir.appendingPathComponent("jobs.sqlite"), logger: Self.logger)
        defer { try? bank.close(); try? ledger.close() }
        try Data([server.url("/img/horse.png"), server.url("/img/rocket.jpg"), server.url("/tiny")].joined(separator: "\n").utf8)
            .write(to: dir.appendingPathComponent("list.txt"))
        let models = ModelsDirectory(root: dir.appendingPathComponent("models"))
        let paths = PathPolicy(roots: [dir], base: dir)
        let env = PipelineEnvironment(bank: bank, models: models, dataFolder: dir, paths: paths, logger: Self.logger)
        let stages: [any PipelineStageRunner] = JobRunner.builtInStages.filter { $0.kind != .crawl }
            + [CrawlStageRunner(allowedAddresses: [try AddressRange(cidr: "127.0.0.1/32")])]
        let runner = JobRunner(
            store: JobStore(ledger: ledger), environment: env,
            planner: JobPlanner(catalog: PipelineCatalog([]), models: models, paths: paths, bank: bank), stages: stages, logger: Self.logger)
        let request = try JobRequest.parse(try PipelineValue.json(Data(#"""
            {"categories": ["horse"], "pipeline": {"name": "crawl-only", "stages": [
              {"stage": "crawl", "with": {"source": "urls", "urls": "list.txt", "count": 5, "retries": 0}}]}}
            """#.utf8)))
        let group = ServiceGroup(configuration: .init(services: [runner], logger: Self.logger))
        let job = try await withThrowingTaskGroup(of: JobRecord?.self) { tasks in
            tasks.addTask { try await group.run(); return nil }
            let id = try await runner.submit(request, idempotencyKey: nil).job.id
            var record: JobRecord? = nil
            for _ in 0..<600 {
                if let j = try await runner.store.job(id), j.state.isFinished { record = j; break }
                try await Task.sleep(for: .milliseconds(50))
            }
            await group.triggerGracefulShutdown()
            for try await _ in tasks {}
            return record
        }
        let done = try #require(job)
        #expect(done.state == .succeeded)
        #expect(done.stages.first?.errors == [.init(code: "crawl.too_small", count: 1)])
        #expect(done.stages.first?.detail.hasPrefix("2 stored") == true)
        #expect(try bank.sources(status: .pending, kinds: [.crawled], categoryIds: nil, afterId: 0, limit: 10).count == 2)
    }
}

/// Progress reports collected from the stage's handler (called from its task).
private final class Reports: Sendable {
    private let items = Mutex<[StageProgress]>([])

    func append(_ p: StageProgress) { items.withLock { $0.append(p) } }

    var all: [StageProgress] { items.withLock { $0 } }
}
