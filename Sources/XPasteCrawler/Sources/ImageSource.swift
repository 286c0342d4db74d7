/// Where candidate images come from: a search API, a URL list, a folder.
public protocol ImageSource: Sendable {
    /// Up to `limit` candidates for a category, searched by its name and synonyms.
    func candidates(category: String, synonyms: [String], limit: Int) async throws(CrawlError) -> [ImageCandidate]
}

extension ImageSource {
    /// Fetches `url` and returns its JSON object; non-2xx and non-JSON answers are `.source`.
    static func json(_ fetcher: HTTPFetcher, _ url: String) async throws(CrawlError) -> [String: Any] {
        let r = try await fetcher.fetch(url, imageOnly: false)
        guard (200...299).contains(r.status) else { throw .source("\(url) answered \(r.status)") }
        guard let o = JSONBody.object(r.body) else { throw .source("\(url) did not answer a JSON object") }
        return o
    }
}
