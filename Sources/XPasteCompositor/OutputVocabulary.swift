import XPasteLVIS

/// The categories of the output dataset, and how background-file categories and pasted cutouts
/// map onto them.
///
/// Loaders label by category, so this is where label damage would start. The rules:
/// - **LVIS output with a known LVIS vocabulary** (`--categories`, or the bank's LVIS categories):
///   the whole vocabulary in id order, whatever subset the backgrounds use. mmdetection's
///   `LVISV1Dataset` labels an annotation by the *position* of its category in the file's list
///   and names that position from LVIS's 1203 names, so a subset list mislabels nearly everything.
///   Background-file categories map to LVIS by id when the id names the same category, else by
///   name or synonym (a file with its own ids 1…N); the rest get fresh ids after the largest id.
/// - **Otherwise** (COCO output, or no vocabulary known) the background file's category space is
///   kept as it is (a COCO run keeps COCO's ids), else the vocabulary given, else empty.
/// - Cutout categories map onto the output by LVIS id (when that output category has its name),
///   then by name or synonym; one that maps nowhere is **added** (never dropped): with its LVIS id
///   when that id is free, else with a fresh id after the largest one in use, and with the LVIS
///   frequency its source knows (else `r`).
///
/// Fresh ids continue contiguously after the largest id, so detectron2's `category_id - 1`
/// indexing stays dense for vocabularies that start dense.
public struct OutputVocabulary: Sendable {
    /// Output categories, by id; `image_count`/`instance_count` are recomputed by the writer.
    public let categories: [LVISCategory]
    /// Licenses carried over from the background file.
    public let licenses: [LVISLicense]
    /// Background-file category id → output id (identity unless the file used its own ids).
    public let backgroundCategoryMap: [Int: Int]
    /// What the mapping did that a user should know (renumbered or added categories), one line each.
    public let notes: [String]
    private let lookup: LVISVocabulary
    private let byID: [Int: LVISCategory]
    private let cutoutMap: [Int64: Int]

    /// A vocabulary of exactly `categories`.
    public init(categories: [LVISCategory], licenses: [LVISLicense] = []) throws(CompositorError) {
        try self.init(categories: categories, licenses: licenses, backgroundCategoryMap: [:], cutoutMap: [:], notes: [])
    }

    private init(categories: [LVISCategory], licenses: [LVISLicense], backgroundCategoryMap: [Int: Int], cutoutMap: [Int64: Int],
                 notes: [String]) throws(CompositorError) {
        do { lookup = try LVISVocabulary(categories: categories) } catch {
            throw .invalidParameter("output categories: \(error)")
        }
        self.categories = lookup.categories
        self.licenses = licenses
        var byID: [Int: LVISCategory] = [:]
        for c in lookup.categories { byID[c.id] = c }
        self.byID = byID
        self.backgroundCategoryMap = backgroundCategoryMap
        self.cutoutMap = cutoutMap
        self.notes = notes
    }

    /// The vocabulary for a run (see the type's rules).
    public static func make(format: DatasetFormat, backgroundCategories: [LVISCategory]?, licenses: [LVISLicense] = [],
                            lvisCategories: [LVISCategory]?, catalog: CutoutCatalog) throws(CompositorError) -> OutputVocabulary {
        let lvis: LVISVocabulary?
        do { lvis = try lvisCategories.flatMap { $0.isEmpty ? nil : try LVISVocabulary(categories: $0) } } catch {
            throw .invalidParameter("LVIS categories: \(error)")
        }
        var categories: [LVISCategory] = []
        var backgroundMap: [Int: Int] = [:]
        var notes: [String] = []
        if format == .lvis, let lvis {
            categories = lvis.categories
            var unmatched: [LVISCategory] = []
            for b in (backgroundCategories ?? []).sorted(by: { $0.id < $1.id }) {
                if let hit = match(name: b.name, synonyms: b.synonyms ?? [], id: b.id, in: lvis) {
                    backgroundMap[b.id] = hit.id
                    if hit.id != b.id { notes.append("background category \(b.name) (id \(b.id)) is LVIS \(hit.name) (id \(hit.id))") }
                } else {
                    unmatched.append(b)
                }
            }
            var next = (categories.map(\.id).max() ?? 0) + 1
            for b in unmatched {
                var added = b
                added.id = next
                if added.frequency == nil { added.frequency = .rare }
                categories.append(added)
                backgroundMap[b.id] = next
                notes.append("background category \(b.name) (id \(b.id)) is not in the LVIS vocabulary: added as id \(next)")
                next += 1
            }
        } else if let backgroundCategories {
            categories = backgroundCategories
            for b in backgroundCategories { backgroundMap[b.id] = b.id }
        } else if let lvis {
            categories = lvis.categories
        }

        // Cutout categories: map, or add (never drop).
        let probe = try OutputVocabulary(categories: categories)
        var cutoutMap: [Int64: Int] = [:]
        var taken = Set(categories.map(\.id))
        var next = (taken.max() ?? 0) + 1
        let hadSpace = !categories.isEmpty
        for c in catalog.categories.values.sorted(by: { $0.id < $1.id }) {
            if let id = probe.outputID(for: c) {
                cutoutMap[c.id] = id
                continue
            }
            let id: Int
            // An LVIS id is kept only when no LVIS vocabulary is known: with one, a category that
            // did not match it by name is not the LVIS category its id claims.
            if let l = c.lvisID, lvis == nil, !taken.contains(l) {
                id = l
            } else {
                id = next
            }
            taken.insert(id)
            next = max(next, id + 1)
            cutoutMap[c.id] = id
            categories.append(LVISCategory(id: id, name: c.name, synset: c.synset ?? "xpaste.\(c.name)", synonyms: c.synonyms.isEmpty ? [c.name] : c.synonyms,
                                           definition: c.definition ?? c.name.replacingOccurrences(of: "_", with: " "),
                                           frequency: c.frequency ?? .rare, imageCount: 0, instanceCount: 0))
            if hadSpace { notes.append("cutout category \(c.name) (bank id \(c.id)) is not among the output categories: added as id \(id)") }
        }
        return try OutputVocabulary(categories: categories, licenses: licenses, backgroundCategoryMap: backgroundMap,
                                    cutoutMap: cutoutMap, notes: notes)
    }

    /// The LVIS category a named category is: the one with its id when that id carries its name
    /// (or a synonym), else the one its name or a synonym names.
    static func match(name: String, synonyms: [String], id: Int?, in lvis: LVISVocabulary) -> LVISCategory? {
        let key = LVISVocabulary.normalize(name)
        if let id, let candidate = lvis.category(id: id),
           ([candidate.name] + (candidate.synonyms ?? [])).contains(where: { LVISVocabulary.normalize($0) == key }) {
            return candidate
        }
        for n in [name] + synonyms {
            if let hit = lvis.category(named: n) { return hit }
        }
        return nil
    }

    /// The output id for a cutout category, or nil when it has none.
    public func outputID(for c: CutoutCategory) -> Int? {
        if let id = cutoutMap[c.id] { return id }
        if let hit = Self.match(name: c.name, synonyms: c.synonyms, id: c.lvisID, in: lookup) { return hit.id }
        return nil
    }

    /// The output id of a background-file category id (nil: the file's id is not a category).
    public func outputID(backgroundCategory id: Int) -> Int? {
        backgroundCategoryMap.isEmpty ? (byID[id] != nil ? id : nil) : backgroundCategoryMap[id]
    }

    /// True when the categories are exactly LVIS v1's ids 1…n in order (what the loaders' built-in
    /// LVIS metadata expects), so registration needs no class list.
    public var isDenseFromOne: Bool {
        categories.enumerated().allSatisfy { $0.offset + 1 == $0.element.id }
    }

    /// The `info` block of a run's annotation file.
    func info(seed: UInt64, images: Int) -> LVISInfo {
        LVISInfo(description: "xpaste copy-paste dataset (\(images) images, seed \(seed))", version: "1.0",
                 contributor: "xpaste composite")
    }
}
