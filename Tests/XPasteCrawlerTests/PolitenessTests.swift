import Testing
@testable import XPasteCrawler

@Suite struct PolitenessTests {
    @Test func robotsLongestMatchWinsAndSpecificGroupReplacesStar() {
        let text = """
        User-agent: *
        Disallow: /private/
        Allow: /private/ok$

        User-agent: xpaste
        Disallow: /photos/
        Allow: /photos/public/
        Disallow: /*.gif$
        """
        let mine = RobotsRules(parsing: text, agent: "xpaste")
        #expect(!mine.allows("/photos/a.jpg"))
        #expect(mine.allows("/photos/public/a.jpg"))
        #expect(!mine.allows("/x/y.gif"))
        #expect(mine.allows("/x/y.gif?z"))
        #expect(mine.allows("/private/a"))  // our group replaces *
        let other = RobotsRules(parsing: text, agent: "somebot")
        #expect(!other.allows("/private/a"))
        #expect(other.allows("/private/ok"))
        #expect(!other.allows("/private/ok2"))
        #expect(RobotsRules(parsing: "User-agent: *\nDisallow:\n", agent: "xpaste").allows("/any"))
    }

    @Test func xRobotsTagAsImg2datasetReadsIt() {
        #expect(XRobotsTag.refusal(["noai"], agent: "xpaste") == "noai")
        #expect(XRobotsTag.refusal(["noindex, nofollow"], agent: "xpaste") == "noindex")
        #expect(XRobotsTag.refusal(["NoImageAI"], agent: "xpaste") == "noimageai")
        #expect(XRobotsTag.refusal(["xpaste: noimageindex"], agent: "xpaste") == "noimageindex")
        #expect(XRobotsTag.refusal(["otherbot: noai"], agent: "xpaste") == nil)
        #expect(XRobotsTag.refusal(["nofollow", "noarchive"], agent: "xpaste") == nil)
    }

    @Test func urlListsInEveryFormat() async throws {
        let csv = try URLListSource(text: "url,caption,category\nhttp://a.test/1.jpg,\"a, b\",dog\nhttp://a.test/2.jpg,c,cat\n", format: "csv")
        #expect(csv.rows.map(\.caption) == ["a, b", "c"])
        let dogs = try await csv.candidates(category: "dog", synonyms: [], limit: 10)
        #expect(dogs.map(\.url) == ["http://a.test/1.jpg"])
        let tsv = try URLListSource(text: "URL\tlicense\nhttp://a.test/3.jpg\tCC0\n", format: "tsv")
        #expect(tsv.rows.first?.licence == "CC0")
        let jsonl = try URLListSource(text: "{\"url\": \"http://a.test/4.jpg\", \"author\": \"Me\"}\n", format: "jsonl")
        #expect(try await jsonl.candidates(category: "x", synonyms: [], limit: 5).map(\.author) == ["Me"])
        let txt = try URLListSource(text: "http://a.test/5.jpg\n\nhttp://a.test/6.jpg\n", format: "txt")
        #expect(try await txt.candidates(category: "x", synonyms: [], limit: 1).map(\.url) == ["http://a.test/5.jpg"])
        #expect(throws: CrawlError.invalidArgument("the list has no url column")) { try URLListSource(text: "a,b\n1,2\n", format: "csv") }
    }
}
