import Foundation
import Testing
@testable import XPasteCrawler
import XPasteTestSupport

@Suite(.serialized) struct CrawlerTests {
    func crawl(_ server: LocalServer, _ path: String, validation: ValidationOptions = .init()) async -> Result<Crawler.Fetched, CrawlError> {
        let fetcher = try! HTTPFetcher(configuration: testConfiguration { $0.retries = 0 })
        defer { fetcher.close() }
        let crawler = Crawler(fetcher: fetcher, validation: validation)
        do throws(CrawlError) {
            return .success(try await crawler.crawl(ImageCandidate(url: server.url(path), category: "horse")))
        } catch {
            return .failure(error)
        }
    }

    func code(_ r: Result<Crawler.Fetched, CrawlError>) -> String? {
        if case .failure(let e) = r { return e.code }
        return nil
    }

    @Test func realPhotoPassesAndIsResized() async throws {
        let server = try LocalServer()
        var v = ValidationOptions()
        v.resizeShortestSide = 128
        let r = try await crawl(server, "/img/chelsea.png", validation: v).get()
        #expect(min(r.image.width, r.image.height) == 128)
        #expect(r.image.format == .jpeg)
        #expect(server.requests("/robots.txt").count == 1)
    }

    @Test func badBodiesAreRefusedWithTheirReason() async throws {
        let server = try LocalServer()
        #expect(code(await crawl(server, "/html-as-jpeg")) == "image.unsupported_format")
        #expect(code(await crawl(server, "/html")) == "crawl.wrong_content_type")
        #expect(code(await crawl(server, "/corrupt")) == "image.corrupt")
        #expect(code(await crawl(server, "/truncated")) == "image.truncated")
        #expect(code(await crawl(server, "/bomb")) == "image.too_large")
        #expect(code(await crawl(server, "/tiny")) == "crawl.too_small")
        #expect(code(await crawl(server, "/nothing")) == "crawl.http_status")
        var wide = ValidationOptions()
        wide.maxAspectRatio = 1.01
        #expect(code(await crawl(server, "/img/motorcycle_left.png", validation: wide)) == "crawl.aspect_ratio")
    }

    @Test func robotsDisallowedPathsAreNeverRequested() async throws {
        let server = try LocalServer()
        #expect(code(await crawl(server, "/private/horse.png")) == "crawl.robots_disallowed")
        #expect(server.requests("/robots.txt").count == 1)
        #expect(server.requests("/private/").isEmpty)
    }

    @Test func guardedCrawlReportsTheRefusalNotRobots() async throws {
        let server = try LocalServer()
        let fetcher = try HTTPFetcher(configuration: testConfiguration { $0.addressGuard = AddressGuard() })
        defer { fetcher.close() }
        await #expect { try await Crawler(fetcher: fetcher).crawl(ImageCandidate(url: server.url("/img/horse.png"), category: "horse")) } throws: {
            ($0 as? CrawlError)?.code == "crawl.address_refused"
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(server.connections == 0)
    }

    @Test func xRobotsTagNoAIIsHonoured() async throws {
        let server = try LocalServer()
        #expect(code(await crawl(server, "/noai")) == "crawl.x_robots_tag")
        #expect(code(await crawl(server, "/noai-other")) == nil)
    }

    @Test func openverseAndCommonsSourcesPage() async throws {
        let server = try LocalServer()
        let fetcher = try HTTPFetcher(configuration: testConfiguration())
        defer { fetcher.close() }
        let ov = OpenverseSource(fetcher: fetcher, baseURL: server.url("/openverse"), pageSize: 2)
        let found = try await ov.candidates(category: "horse", synonyms: [], limit: 4)
        #expect(found.count == 4)
        #expect(found.first?.licence == "CC BY-SA 4.0")
        #expect(found.first?.author == "Author 0")
        #expect(server.requests("/openverse/v1/images/?q=horse&page=").count == 2)
        let all = try await ov.candidates(category: "horse", synonyms: [], limit: 50)
        #expect(all.count == 5)  // the source ran dry
        let commons = WikimediaSource(fetcher: fetcher, baseURL: server.url("/commons"), pageSize: 2)
        let files = try await commons.candidates(category: "motorcycle", synonyms: [], limit: 10)
        #expect(files.map(\.caption) == ["File:motorcycle_left.png", "File:rocket.jpg", "File:astronaut.png"])
        #expect(files.first?.author == "Artist & 0")
        #expect(files.first?.licence == "CC BY 2.0")
    }

    @Test func folderSourceReadsFiles() async throws {
        let source = FolderSource(folder: SharedData.directory.appendingPathComponent("images"))
        let found = try await source.candidates(category: "horse", synonyms: [], limit: 3)
        #expect(found.count == 3)
        let fetcher = try HTTPFetcher(configuration: testConfiguration())
        defer { fetcher.close() }
        let r = try await Crawler(fetcher: fetcher).crawl(found[0])
        #expect(r.image.width > 0)
    }

    @Test func nearDuplicatesWithinACategory() throws {
        var index = NearDuplicateIndex(maxDistance: 4)
        #expect(index.insert(0b1011, category: "a") == nil)
        #expect(index.insert(0b1010, category: "a") == 1)
        #expect(index.insert(0b1010, category: "b") == nil)
        #expect(index.insert(~0, category: "a") == nil)
    }
}
