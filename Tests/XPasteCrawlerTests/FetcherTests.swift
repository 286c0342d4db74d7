import Foundation
import Testing
@testable import XPasteCrawler
import XPasteTestSupport

/// Loopback opened on purpose, quick timeouts and backoffs.
func testConfiguration(_ edit: (inout FetcherConfiguration) -> Void = { _ in }) -> FetcherConfiguration {
    var c = FetcherConfiguration()
    c.addressGuard = AddressGuard(allowed: [try! AddressRange(cidr: "127.0.0.1/32"), try! AddressRange(cidr: "::1/128")])
    c.connectTimeout = 2
    c.totalTimeout = 5
    c.backoffBase = 0.05
    c.retries = 2
    c.noProxy = "*"
    edit(&c)
    return c
}

@Suite(.serialized) struct FetcherTests {
    @Test func fetchesRealPhotosOverOneReusedConnection() async throws {
        let server = try LocalServer()
        // Generous timeouts: on a loaded machine a timed-out attempt is retried on a new
        // connection, which is right but is not what this test looks at.
        let fetcher = try HTTPFetcher(configuration: testConfiguration { $0.maxPerHost = 1; $0.totalTimeout = 120; $0.connectTimeout = 60 })
        defer { fetcher.close() }
        let expected = try Data(contentsOf: SharedData.image("horse.png"))
        for _ in 0..<3 {
            let r = try await fetcher.fetch(server.url("/img/horse.png"))
            #expect(r.status == 200)
            #expect(r.contentType == "image/png")
            #expect(Data(r.body) == expected)
            #expect(r.remoteAddress == "127.0.0.1")
        }
        #expect(server.requests("/img/horse.png").count == 3)
        #expect(server.connections == 1)
    }

    @Test func manyConcurrentTransfersUnderTheCaps() async throws {
        let server = try LocalServer()
        let fetcher = try HTTPFetcher(configuration: testConfiguration { $0.maxConcurrent = 4; $0.maxPerHost = 2 })
        defer { fetcher.close() }
        let names = SharedData.imageNames
        let sizes = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<27 { group.addTask { try await fetcher.fetch(server.url("/img/\(names[i % names.count])")).body.count } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(sizes.count == 27)
        #expect(sizes.allSatisfy { $0 > 1000 })
        #expect(server.connections <= 2)
    }

    @Test func perHostRateSpacesRequests() async throws {
        let server = try LocalServer()
        let fetcher = try HTTPFetcher(configuration: testConfiguration { $0.perHostRate = 5 })
        defer { fetcher.close() }
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<6 { group.addTask { _ = try await fetcher.fetch(server.url("/img/logo.png")) } }
            try await group.waitForAll()
        }
        #expect(ContinuousClock.now - start >= .milliseconds(950))  // 6 starts at 5/s: ≥ 1 s
    }

    @Test func slowBodyTimesOut() async throws {
        let server = try LocalServer()
        let fetcher = try HTTPFetcher(configuration: testConfiguration { $0.totalTimeout = 1; $0.retries = 0 })
        defer { fetcher.close() }
        await #expect { try await fetcher.fetch(server.url("/slow")) } throws: { ($0 as? CrawlError)?.code == "crawl.timeout" }
    }

    @Test func resetIsRetriedThenReported() async throws {
        let server = try LocalServer()
        let fetcher = try HTTPFetcher(configuration: testConfiguration { $0.retries = 2 })
        defer { fetcher.close() }
        await #expect { try await fetcher.fetch(server.url("/reset")) } throws: { ($0 as? CrawlError)?.code == "crawl.connection" }
        #expect(server.requests("/reset").count == 3)
    }

    @Test func honoursRetryAfterOn429() async throws {
        let server = try LocalServer()
        let fetcher = try HTTPFetcher(configuration: testConfiguration())
        defer { fetcher.close() }
        let r = try await fetcher.fetch(server.url("/429?key=a&after=1"))
        #expect(r.status == 200)
        #expect(r.attempts == 2)
        let times = server.timedLog.filter { $0.line.hasPrefix("GET /429") }.map(\.time)
        #expect(times.count == 2)
        #expect(times[1] - times[0] >= 0.95)
    }

    @Test func retries5xxWithBackoffUntilTheLimit() async throws {
        let server = try LocalServer()
        let fetcher = try HTTPFetcher(configuration: testConfiguration { $0.retries = 2 })
        defer { fetcher.close() }
        let ok = try await fetcher.fetch(server.url("/503?key=b&n=2"))
        #expect(ok.status == 200 && ok.attempts == 3)
        let failed = try await fetcher.fetch(server.url("/503?key=c&n=5"))
        #expect(failed.status == 503 && failed.attempts == 3)
        #expect(server.requests("/503?key=c").count == 3)
        let notRetried = try await fetcher.fetch(server.url("/nothing-here"))
        #expect(notRetried.status == 404 && notRetried.attempts == 1)
    }

    @Test func redirectChainsUpToTheLimit() async throws {
        let server = try LocalServer()
        let fetcher = try HTTPFetcher(configuration: testConfiguration { $0.maxRedirects = 3 })
        defer { fetcher.close() }
        let r = try await fetcher.fetch(server.url("/redirect/3"))
        #expect(r.status == 200 && r.redirects == 3)
        #expect(r.effectiveURL == server.url("/img/horse.png"))
        await #expect { try await fetcher.fetch(server.url("/redirect/4")) } throws: { ($0 as? CrawlError)?.code == "crawl.too_many_redirects" }
        #expect(server.requests("/img/horse.png").count == 1)
    }

    @Test func bodiesOverTheCapAreCutOffWhileStreaming() async throws {
        let server = try LocalServer()
        let fetcher = try HTTPFetcher(configuration: testConfiguration { $0.maxBodyBytes = 1 << 20 })
        defer { fetcher.close() }
        await #expect { try await fetcher.fetch(server.url("/big?n=8000000")) } throws: { $0 as? CrawlError == .bodyTooLarge(1 << 20) }
        await #expect { try await fetcher.fetch(server.url("/big?n=64000000&chunked=1")) } throws: { $0 as? CrawlError == .bodyTooLarge(1 << 20) }
        // The server logs how much it sent once its write fails (after we hung up).
        var sent: [Int] = []
        for _ in 0..<100 where sent.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            sent = server.log.compactMap { $0.hasPrefix("SENT ") ? Int($0.dropFirst(5)) : nil }
        }
        #expect(sent.count == 1)
        #expect(sent.allSatisfy { $0 < 64_000_000 })  // the server could not send it all: we stopped reading
        let small = try await fetcher.fetch(server.url("/big?n=500000"))
        #expect(small.body.count == 500_000)
    }

    @Test func textContentTypesAreAbortedEarly() async throws {
        let server = try LocalServer()
        let fetcher = try HTTPFetcher(configuration: testConfiguration())
        defer { fetcher.close() }
        await #expect { try await fetcher.fetch(server.url("/html")) } throws: { $0 as? CrawlError == .wrongContentType("text/html") }
    }

    @Test func onlyHTTPAndHTTPS() async throws {
        let fetcher = try HTTPFetcher(configuration: testConfiguration())
        defer { fetcher.close() }
        await #expect { try await fetcher.fetch("file:///etc/passwd") } throws: { ($0 as? CrawlError)?.code == "crawl.scheme_refused" }
        await #expect { try await fetcher.fetch("gopher://127.0.0.1/") } throws: { ($0 as? CrawlError)?.code == "crawl.scheme_refused" }
        await #expect { try await fetcher.fetch("http:///no-host") } throws: { ($0 as? CrawlError)?.code == "crawl.invalid_url" }
    }
}

/// The SSRF guard with real connections to loopback servers: refused, and the servers see nothing.
@Suite(.serialized) struct GuardConnectionTests {
    func guarded(_ allowed: [String]) throws -> HTTPFetcher {
        try HTTPFetcher(configuration: testConfiguration { c in
            c.addressGuard = AddressGuard(allowed: allowed.map { try! AddressRange(cidr: $0) })
            c.retries = 0
        })
    }

    @Test func loopbackIPv4IsRefusedWithoutAConnection() async throws {
        let server = try LocalServer()
        let fetcher = try guarded([])
        defer { fetcher.close() }
        await #expect { try await fetcher.fetch(server.url("/img/horse.png")) } throws: { ($0 as? CrawlError)?.code == "crawl.address_refused" }
        try await Task.sleep(for: .milliseconds(200))
        #expect(server.connections == 0)
    }

    @Test func loopbackIPv6IsRefusedWithoutAConnection() async throws {
        let server = try LocalServer(host: "::1")
        let fetcher = try guarded([])
        defer { fetcher.close() }
        await #expect { try await fetcher.fetch(server.url("/img/horse.png")) } throws: { ($0 as? CrawlError)?.code == "crawl.address_refused" }
        try await Task.sleep(for: .milliseconds(200))
        #expect(server.connections == 0)
    }

    @Test func redirectFromAnAllowedHostToLoopbackIsRefused() async throws {
        let allowedServer = try LocalServer()
        let target = try LocalServer(host: "::1")
        let fetcher = try guarded(["127.0.0.1/32"])
        defer { fetcher.close() }
        let to = target.url("/img/horse.png").addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let hop = allowedServer.url("/redirect/1?to=\(to)")
        await #expect { try await fetcher.fetch(hop) } throws: { ($0 as? CrawlError)?.code == "crawl.address_refused" }
        try await Task.sleep(for: .milliseconds(200))
        #expect(allowedServer.requests("/redirect/1").count == 1)
        #expect(target.connections == 0)
    }

    @Test func hostnameResolvingToLoopbackIsRefused() async throws {
        let v4 = try LocalServer()
        let fetcher = try guarded([])
        defer { fetcher.close() }
        await #expect { try await fetcher.fetch("http://localhost:\(v4.port)/img/horse.png") } throws: {
            ($0 as? CrawlError)?.code == "crawl.address_refused"
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(v4.connections == 0)
    }
}
