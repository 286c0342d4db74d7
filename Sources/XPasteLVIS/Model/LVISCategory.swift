/// One entry of `categories`.
///
/// LVIS categories carry `synset`, `synonyms`, `def`, `frequency`, `image_count` and
/// `instance_count`; COCO categories carry `supercategory` instead. Both read into this type and
/// absent fields are not written.
public struct LVISCategory: Codable, Sendable, Hashable {
    /// `id` (LVIS: 1…1203).
    public var id: Int
    /// `name`, e.g. `aerosol_can`.
    public var name: String
    /// `synset`, the WordNet synset, e.g. `aerosol.n.02`.
    public var synset: String?
    /// `synonyms`; LVIS lists the name first.
    public var synonyms: [String]?
    /// `def`: the WordNet definition.
    public var definition: String?
    /// `frequency`.
    public var frequency: LVISFrequency?
    /// `image_count`: training images annotated with the category.
    public var imageCount: Int?
    /// `instance_count`: training instances of the category.
    public var instanceCount: Int?
    /// `supercategory` (COCO).
    public var supercategory: String?

    /// A category.
    public init(
        id: Int, name: String, synset: String? = nil, synonyms: [String]? = nil,
        definition: String? = nil, frequency: LVISFrequency? = nil, imageCount: Int? = nil,
        instanceCount: Int? = nil, supercategory: String? = nil
    ) {
        self.id = id
        self.name = name
        self.synset = synset
        self.synonyms = synonyms
        self.definition = definition
        self.frequency = frequency
        self.imageCount = imageCount
        self.instanceCount = instanceCount
        self.supercategory = supercategory
    }

    enum CodingKeys: String, CodingKey {
        case id, name, synset, synonyms, frequency, supercategory
        case definition = "def"
        case imageCount = "image_count"
        case instanceCount = "instance_count"
    }
}
