import XPasteLVIS

/// The categories of the output dataset and how pasted cutouts map onto them.
///
/// The category space is the background annotation file's when there is one (so a COCO run keeps
/// COCO's ids), else the LVIS vocabulary given (all 1203 LVIS v1 categories: mmdetection's
/// `LVISV1Dataset` maps labels by position in that list), else the cutouts' own categories.
/// A cutout category maps by LVIS id when the output category with that id has its name, else
/// by name or synonym; in LVIS output, a user-defined category the vocabulary does not know is
/// appended with its bank id (ids above LVIS's range never collide).
public struct OutputVocabulary: Sendable {
    /// Output categories, by id; `image_count`/`instance_count` are recomputed by the writer.
    public let categories: [LVISCategory]
    /// Licenses carried over from the background file.
    public let licenses: [LVISLicense]
    private let lookup: LVISVocabulary
    private let byID: [Int: LVISCategory]

    /// A vocabulary of exactly `categories`.
    public init(categories: [LVISCategory], licenses: [LVISLicense] = []) throws(CompositorError) {
        do { lookup = try LVISVocabulary(categories: categories) } catch {
            throw .invalidParameter("output categories: \(error)")
        }
        self.categories = lookup.categories
        self.licenses = licenses
        var byID: [Int: LVISCategory] = [:]
        for c in lookup.categories { byID[c.id] = c }
        self.byID = byID
    }

    /// The vocabulary for a run (see the type's rules).
    public static func make(format: DatasetFormat, backgroundCategories: [LVISCategory]?, licenses: [LVISLicense] = [],
                            lvisCategories: [LVISCategory]?, catalog: CutoutCatalog) throws(CompositorError) -> OutputVocabulary {
        let base = backgroundCategories ?? lvisCategories ?? []
        var categories = base
        var taken = Set(base.map(\.id))
        let probe = try OutputVocabulary(categories: base)
        let appendUnknown = format == .lvis || backgroundCategories == nil
        if appendUnknown {
            for c in catalog.categories.values.sorted(by: { $0.id < $1.id }) where probe.outputID(for: c) == nil {
                let id = c.lvisID ?? Int(c.id)
                guard !taken.contains(id) else { continue }
                taken.insert(id)
                categories.append(LVISCategory(id: id, name: c.name, synset: c.synset ?? "xpaste.\(c.name)", synonyms: c.synonyms.isEmpty ? [c.name] : c.synonyms,
                                               definition: c.definition ?? c.name.replacingOccurrences(of: "_", with: " "),
                                               frequency: .rare, imageCount: 0, instanceCount: 0))
            }
        }
        return try OutputVocabulary(categories: categories, licenses: licenses)
    }

    /// The output id for a cutout category, or nil when it has none.
    public func outputID(for c: CutoutCategory) -> Int? {
        let name = LVISVocabulary.normalize(c.name)
        if let id = c.lvisID, let candidate = byID[id] {
            let names = [candidate.name] + (candidate.synonyms ?? [])
            if names.contains(where: { LVISVocabulary.normalize($0) == name }) { return id }
        }
        for n in [c.name] + c.synonyms {
            if let hit = lookup.category(named: n) { return hit.id }
        }
        if c.lvisID == nil, byID[Int(c.id)].map({ LVISVocabulary.normalize($0.name) == name }) == true { return Int(c.id) }
        return nil
    }

    /// The `info` block of a run's annotation file.
    func info(seed: UInt64, images: Int) -> LVISInfo {
        LVISInfo(description: "xpaste copy-paste dataset (\(images) images, seed \(seed))", version: "1.0",
                 contributor: "xpaste composite")
    }
}
