import XPasteImage
import XPasteLVIS

/// A category that cutouts are filed under in their source (a bank category, or an X-Paste pool
/// index), with what is needed to map it onto an output category.
public struct CutoutCategory: Sendable, Hashable, Codable {
    /// Id in the source (bank category id; for LVIS categories the LVIS id).
    public var id: Int64
    /// Name, LVIS style (`aerosol_can`).
    public var name: String
    /// Other names (LVIS synonyms).
    public var synonyms: [String]
    /// LVIS category id when the category is one of LVIS v1's 1203, else nil (user-defined).
    public var lvisID: Int?
    /// WordNet synset, when known.
    public var synset: String?
    /// Definition, when known.
    public var definition: String?
    /// LVIS frequency group as the source knows it (the bank keeps LVIS's value), so a category
    /// added to the output keeps its real APr/APc/APf bucket.
    public var frequency: LVISFrequency?

    /// Creates a category.
    public init(id: Int64, name: String, synonyms: [String] = [], lvisID: Int?, synset: String? = nil, definition: String? = nil,
                frequency: LVISFrequency? = nil) {
        self.id = id
        self.name = name
        self.synonyms = synonyms
        self.lvisID = lvisID
        self.synset = synset
        self.definition = definition
        self.frequency = frequency
    }
}

/// What a cutout source offers: categories and, per category, the ids of the cutouts that pass
/// the run's filters.
public struct CutoutCatalog: Sendable {
    /// Categories by id.
    public var categories: [Int64: CutoutCategory]
    /// Cutout ids per category id.
    public var instances: [Int64: [Int64]]

    /// Creates a catalog.
    public init(categories: [Int64: CutoutCategory], instances: [Int64: [Int64]]) {
        self.categories = categories
        self.instances = instances
    }

    /// Number of cutouts.
    public var instanceCount: Int { instances.values.reduce(0) { $0 + $1.count } }
}

/// Where pasted cutouts come from: the instance bank, or an X-Paste instance-pool file.
///
/// Implementations are called from several worker threads at once.
public protocol CutoutSource: Sendable {
    /// The cutouts that may be pasted.
    func catalog() throws(CompositorError) -> CutoutCatalog
    /// The RGBA cutout of instance `id`, cropped to the object, straight alpha.
    func cutout(id: Int64) throws(CompositorError) -> Image
    /// What to record in the manifest about the source's state (for a bank: its file, schema
    /// version and a digest of the drawable instances).
    func snapshot() throws(CompositorError) -> [String: String]
}
