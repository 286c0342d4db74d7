/// One entry of `licenses`.
public struct LVISLicense: Codable, Sendable, Hashable {
    /// `id`, referenced by `LVISImage.license`.
    public var id: Int
    /// `name`.
    public var name: String?
    /// `url`.
    public var url: String?

    /// A license entry.
    public init(id: Int, name: String? = nil, url: String? = nil) {
        self.id = id
        self.name = name
        self.url = url
    }
}
