/// The `info` block of a COCO/LVIS file. Every field is optional; absent ones are not written.
public struct LVISInfo: Codable, Sendable, Hashable {
    /// `description`, e.g. "LVIS v1 train + xpaste".
    public var description: String?
    /// `url`.
    public var url: String?
    /// `version`.
    public var version: String?
    /// `year`.
    public var year: Int?
    /// `contributor`.
    public var contributor: String?
    /// `date_created`.
    public var dateCreated: String?

    /// An info block; pass only what you want written.
    public init(
        description: String? = nil, url: String? = nil, version: String? = nil, year: Int? = nil,
        contributor: String? = nil, dateCreated: String? = nil
    ) {
        self.description = description
        self.url = url
        self.version = version
        self.year = year
        self.contributor = contributor
        self.dateCreated = dateCreated
    }

    enum CodingKeys: String, CodingKey {
        case description, url, version, year, contributor
        case dateCreated = "date_created"
    }
}
