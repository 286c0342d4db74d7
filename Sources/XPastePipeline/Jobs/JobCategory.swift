/// A category a job works on, as the request named it and as the bank holds it.
public struct JobCategory: Sendable, Hashable, Codable {
    /// The bank's category id (an LVIS id, or a user id from 1,000,000 up).
    public var id: Int64
    /// The category's name in the bank.
    public var name: String

    /// A category of a job.
    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }
}

/// A category as a job request names it: just a name, or a name with synonyms, a definition and
/// an LVIS id (which links it to the LVIS vocabulary).
public struct CategoryRequest: Sendable, Hashable, Codable {
    /// The name (`"aerosol can"` and `aerosol_can` are the same category).
    public var name: String
    /// Other names.
    public var synonyms: [String]?
    /// A definition.
    public var def: String?
    /// The LVIS v1 id, when this is an LVIS category.
    public var lvisId: Int64?

    /// A category by name.
    public init(name: String, synonyms: [String]? = nil, def: String? = nil, lvisId: Int64? = nil) {
        self.name = name
        self.synonyms = synonyms
        self.def = def
        self.lvisId = lvisId
    }

    enum CodingKeys: String, CodingKey {
        case name, synonyms, def
        case lvisId = "lvis_id"
    }

    /// A name alone, or an object with `name` and optional `synonyms`, `def`, `lvis_id`.
    public init(from decoder: any Decoder) throws {
        if let name = try? decoder.singleValueContainer().decode(String.self) {
            self.init(name: name)
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), synonyms: try c.decodeIfPresent([String].self, forKey: .synonyms),
            def: try c.decodeIfPresent(String.self, forKey: .def), lvisId: try c.decodeIfPresent(Int64.self, forKey: .lvisId))
    }
}
