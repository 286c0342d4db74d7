import Foundation

/// A category vocabulary (the 1203 LVIS v1 categories, or any COCO/LVIS category list) with
/// lookups by id, by name or synonym, and by frequency group.
///
/// Name lookups ignore case, surrounding whitespace and the difference between spaces and
/// underscores (`"Aerosol Can"`, `"aerosol_can"` and `" aerosol  can "` all find `aerosol_can`);
/// a category's own name wins over another category's synonym, then lower ids win.
public struct LVISVocabulary: Sendable, Hashable {
    /// All categories, sorted by id.
    public let categories: [LVISCategory]
    private let indexByID: [Int: Int]
    private let indexByName: [String: Int]

    /// A vocabulary of `categories`. Throws `LVISError.invalid` if two share an id.
    public init(categories: [LVISCategory]) throws {
        let sorted = categories.sorted { $0.id < $1.id }
        var byID: [Int: Int] = [:]
        var duplicates: [LVISViolation] = []
        for (i, c) in sorted.enumerated() {
            if byID[c.id] != nil {
                duplicates.append(LVISViolation(code: .categoryDuplicateID, severity: .error, path: "$.categories",
                                                message: "category id \(c.id) appears more than once"))
            }
            byID[c.id] = i
        }
        guard duplicates.isEmpty else { throw LVISError.invalid(duplicates) }
        var byName: [String: Int] = [:]
        for (i, c) in sorted.enumerated() {
            let key = Self.normalize(c.name)
            if byName[key] == nil { byName[key] = i }
        }
        for (i, c) in sorted.enumerated() {
            for synonym in c.synonyms ?? [] {
                let key = Self.normalize(synonym)
                if byName[key] == nil { byName[key] = i }
            }
        }
        self.categories = sorted
        self.indexByID = byID
        self.indexByName = byName
    }

    /// Loads a category list: a top-level JSON array of categories (the format of
    /// `lvis_v1_categories.json`) or a full LVIS/COCO file's `categories`.
    public init(contentsOf url: URL) throws {
        try self.init(categories: LVISReader(url: url).readCategories())
    }

    /// The category with `id`.
    public func category(id: Int) -> LVISCategory? {
        indexByID[id].map { categories[$0] }
    }

    /// The category whose name or synonym matches `name` (see the type's matching rules).
    public func category(named name: String) -> LVISCategory? {
        indexByName[Self.normalize(name)].map { categories[$0] }
    }

    /// The categories in frequency group `frequency`, by id.
    public func categories(in frequency: LVISFrequency) -> [LVISCategory] {
        categories.filter { $0.frequency == frequency }
    }

    /// Categories by frequency group (categories without a frequency are left out).
    public var frequencyGroups: [LVISFrequency: [LVISCategory]] {
        var groups: [LVISFrequency: [LVISCategory]] = [:]
        for c in categories {
            if let f = c.frequency { groups[f, default: []].append(c) }
        }
        return groups
    }

    /// Number of categories.
    public var count: Int { categories.count }

    /// The lookup key for a name: lowercased, trimmed, runs of spaces/underscores made one `_`.
    public static func normalize(_ name: String) -> String {
        var out = ""
        out.reserveCapacity(name.utf8.count)
        var pendingSeparator = false
        for ch in name.lowercased() {
            if ch == " " || ch == "_" || ch == "\t" || ch == "\n" {
                pendingSeparator = !out.isEmpty
                continue
            }
            if pendingSeparator {
                out.append("_")
                pendingSeparator = false
            }
            out.append(ch)
        }
        return out
    }
}
