/// Openverse's image search (`GET {base}/v1/images/?q=…&page=…&page_size=…`, no key needed):
/// licence, licence version, creator and landing page of each result; pages until the count or
/// until `page_count` is reached. `baseURL` defaults to `https://api.openverse.org`.
public struct OpenverseSource: ImageSource {
    /// API root.
    public var baseURL: String
    /// Results per page (Openverse allows up to 20 anonymously).
    public var pageSize: Int
    let fetcher: HTTPFetcher

    /// A source.
    public init(fetcher: HTTPFetcher, baseURL: String = "https://api.openverse.org", pageSize: Int = 20) {
        self.fetcher = fetcher
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.pageSize = pageSize
    }

    public func candidates(category: String, synonyms: [String], limit: Int) async throws(CrawlError) -> [ImageCandidate] {
        var out: [ImageCandidate] = [], seen = Set<String>()
        for term in ([category] + synonyms).map({ $0.replacingOccurrences(of: "_", with: " ") }) {
            var page = 1
            while out.count < limit {
                let o = try await Self.json(fetcher, "\(baseURL)/v1/images/?q=\(JSONBody.query(term))&page=\(page)&page_size=\(pageSize)")
                let results = o["results"] as? [[String: Any]] ?? []
                for r in results where out.count < limit {
                    guard let url = r["url"] as? String, seen.insert(url).inserted else { continue }
                    let licence = (r["license"] as? String).map { l in
                        let v = r["license_version"] as? String
                        return l.lowercased() == "cc0" || l.lowercased() == "pdm" ? l.uppercased() : "CC \(l.uppercased())\(v.map { " \($0)" } ?? "")"
                    }
                    out.append(ImageCandidate(
                        url: url, category: category, licence: licence, author: r["creator"] as? String,
                        pageURL: r["foreign_landing_url"] as? String, caption: r["title"] as? String))
                }
                let pageCount = o["page_count"] as? Int ?? page
                if results.isEmpty || page >= pageCount { break }
                page += 1
            }
            if out.count >= limit { break }
        }
        return out
    }
}
