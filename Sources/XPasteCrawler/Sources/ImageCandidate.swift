/// An image to fetch for a category, with what its source says about it.
public struct ImageCandidate: Sendable, Hashable, Codable {
    /// The image URL (http, https) or, for folder sources, a `file://` URL.
    public var url: String
    /// The category name it was found for.
    public var category: String
    /// Licence as the source states it.
    public var licence: String?
    /// Author or rights holder.
    public var author: String?
    /// The page the image is shown on (provenance), when the source says.
    public var pageURL: String?
    /// A caption or title.
    public var caption: String?

    /// A candidate.
    public init(url: String, category: String, licence: String? = nil, author: String? = nil, pageURL: String? = nil, caption: String? = nil) {
        self.url = url
        self.category = category
        self.licence = licence
        self.author = author
        self.pageURL = pageURL
        self.caption = caption
    }
}
