/// Wikimedia Commons search through the MediaWiki API (`{base}/w/api.php?action=query&generator=
/// search&gsrnamespace=6&prop=imageinfo&iiprop=url|mime|extmetadata`): file URL, description page,
/// `LicenseShortName` and `Artist` (HTML stripped) of each file; follows `continue.gsroffset` until
/// the count or the end. `baseURL` defaults to `https://commons.wikimedia.org`.
public struct WikimediaSource: ImageSource {
    /// Site root.
    public var baseURL: String
    /// Results per request (the API allows up to 50).
    public var pageSize: Int
    let fetcher: HTTPFetcher

    /// A source.
    public init(fetcher: HTTPFetcher, baseURL: String = "https://commons.wikimedia.org", pageSize: Int = 50) {
        self.fetcher = fetcher
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.pageSize = pageSize
    }

    public func candidates(category: String, synonyms: [String], limit: Int) async throws(CrawlError) -> [ImageCandidate] {
        var out: [ImageCandidate] = [], seen = Set<String>()
        for term in ([category] + synonyms).map({ $0.replacingOccurrences(of: "_", with: " ") }) {
            var offset: Int? = 0
            while let o = offset, out.count < limit {
                let url = "\(baseURL)/w/api.php?action=query&format=json&generator=search&gsrnamespace=6"
                    + "&gsrsearch=\(JSONBody.query("filetype:bitmap " + term))&gsrlimit=\(pageSize)&gsroffset=\(o)"
                    + "&prop=imageinfo&iiprop=\(JSONBody.query("url|mime|extmetadata"))"
                let body = try await Self.json(fetcher, url)
                let pages = (body["query"] as? [String: Any])?["pages"] as? [String: [String: Any]] ?? [:]
                let ordered = pages.values.sorted { ($0["index"] as? Int ?? 0) < ($1["index"] as? Int ?? 0) }
                for page in ordered where out.count < limit {
                    guard let info = (page["imageinfo"] as? [[String: Any]])?.first, let file = info["url"] as? String,
                          seen.insert(file).inserted else { continue }
                    if let mime = info["mime"] as? String, !mime.hasPrefix("image/") { continue }
                    let meta = info["extmetadata"] as? [String: [String: Any]] ?? [:]
                    func field(_ k: String) -> String? { (meta[k]?["value"] as? String).map(JSONBody.plainText).flatMap { $0.isEmpty ? nil : $0 } }
                    out.append(ImageCandidate(
                        url: file, category: category, licence: field("LicenseShortName"), author: field("Artist"),
                        pageURL: info["descriptionurl"] as? String, caption: page["title"] as? String))
                }
                offset = (body["continue"] as? [String: Any])?["gsroffset"] as? Int
            }
            if out.count >= limit { break }
        }
        return out
    }
}
