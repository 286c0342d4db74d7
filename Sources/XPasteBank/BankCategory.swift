import Foundation
import XPasteLVIS

/// LVIS frequency group of a category (r < 10 training images, c 10–99, f ≥ 100): the LVIS model's own
/// type, so categories move between the bank and LVIS files without conversion.
public typealias CategoryFrequency = LVISFrequency

/// A category the bank files instances under: an LVIS category (its LVIS id) or a user-defined
/// one (an id from `BankCategory.userIdBase` up, so the two ranges never collide).
public struct BankCategory: Sendable, Hashable, Codable {
    /// First id of user-defined categories. LVIS ids (1…1203 in v1) and any future vocabulary
    /// stay below it.
    public static let userIdBase: Int64 = 1_000_000

    /// LVIS id, or an id ≥ `userIdBase` for user categories.
    public var id: Int64
    /// Name as LVIS spells it (`aerosol_can`); unique in the bank, compared case-insensitively.
    public var name: String
    /// Other names (LVIS synonyms); used when matching folder names on import.
    public var synonyms: [String]
    /// Dictionary definition (LVIS `def`).
    public var definition: String?
    /// WordNet synset (LVIS `synset`).
    public var synset: String?
    /// LVIS frequency group; nil for user categories.
    public var frequency: CategoryFrequency?
    /// LVIS `image_count`, when known.
    public var imageCount: Int?
    /// LVIS `instance_count`, when known.
    public var instanceCount: Int?

    /// Creates a category record.
    public init(
        id: Int64, name: String, synonyms: [String] = [], definition: String? = nil, synset: String? = nil,
        frequency: CategoryFrequency? = nil, imageCount: Int? = nil, instanceCount: Int? = nil
    ) {
        self.id = id
        self.name = name
        self.synonyms = synonyms
        self.definition = definition
        self.synset = synset
        self.frequency = frequency
        self.imageCount = imageCount
        self.instanceCount = instanceCount
    }

    /// True for categories a user added (not in the LVIS vocabulary).
    public var isUserDefined: Bool { id >= Self.userIdBase }

    /// The key X-Paste's instance pool json uses for this category: the 0-based LVIS index
    /// (`id - 1`), as `clean_pool.py` writes it and `InstPool` reads it back (`label + 1` is the LVIS
    /// id it looks the size prior up with). Nil for user categories, which X-Paste cannot load.
    public var xpastePoolIndex: Int? { isUserDefined || id < 1 ? nil : Int(id - 1) }

    /// Creates the bank record of an LVIS (or COCO) category, keeping its id.
    public init(lvis category: LVISCategory) {
        self.init(
            id: Int64(category.id), name: category.name, synonyms: category.synonyms ?? [], definition: category.definition,
            synset: category.synset, frequency: category.frequency, imageCount: category.imageCount,
            instanceCount: category.instanceCount)
    }

    /// The category as an LVIS category record (the inverse of `init(lvis:)`).
    public var lvisCategory: LVISCategory {
        LVISCategory(id: Int(id), name: name, synset: synset, synonyms: synonyms, definition: definition, frequency: frequency,
                     imageCount: imageCount, instanceCount: instanceCount)
    }

    /// How names are compared when matching, the same rule as `LVISVocabulary`: lowercase, trimmed,
    /// runs of spaces and underscores as one `_` (`"Aerosol can"` finds `aerosol_can`).
    public static func normalizedName(_ name: String) -> String {
        LVISVocabulary.normalize(name)
    }
}
