import XPasteLVIS

/// Links a bank's categories to the LVIS vocabulary and loads the rest of it.
///
/// Banks filled before the LVIS list was loaded hold user categories (ids from
/// `BankCategory.userIdBase`) or pool placeholders (`lvis_<id>`); their ids are not LVIS's, so a
/// dataset made from them mislabels, and loading the LVIS list afterwards used to fail on the names
/// already taken. Linking moves each such category to the LVIS category with its name or one of
/// its synonyms (instances and sources follow, in one transaction), refreshes LVIS categories'
/// metadata, and adds the LVIS categories the bank lacks. Categories LVIS has no name for stay
/// user categories and are reported.
public struct LVISCategoryLinker: Sendable {
    /// What linking did.
    public struct Summary: Sendable, Hashable {
        /// Categories moved to their LVIS id: (old id, old name, LVIS id, LVIS name, instances moved).
        public var linked: [Linked] = []
        /// User categories with no LVIS name or synonym (left as they are).
        public var unmatched: [String] = []
        /// LVIS categories added or refreshed.
        public var loaded = 0
    }

    /// One category moved to LVIS.
    public struct Linked: Sendable, Hashable {
        /// The bank id it had.
        public var fromID: Int64
        /// The name it had.
        public var fromName: String
        /// Its LVIS category.
        public var lvisID: Int
        /// The LVIS name.
        public var lvisName: String
        /// Instances moved.
        public var instances: Int
    }

    /// The vocabulary to link to.
    public let vocabulary: LVISVocabulary

    /// A linker for `vocabulary` (the 1203 LVIS v1 categories).
    public init(vocabulary: LVISVocabulary) {
        self.vocabulary = vocabulary
    }

    /// The LVIS category a bank category is, if any: the one with its id when that id carries its
    /// name (or it is a `lvis_<id>` placeholder), else by name or synonym.
    public func match(_ c: BankCategory) -> LVISCategory? {
        if !c.isUserDefined, let same = vocabulary.category(id: Int(c.id)) {
            let key = LVISVocabulary.normalize(c.name)
            if c.name == "lvis_\(c.id)" || ([same.name] + (same.synonyms ?? [])).contains(where: { LVISVocabulary.normalize($0) == key }) {
                return same
            }
        }
        for n in [c.name] + c.synonyms {
            if let hit = vocabulary.category(named: n) { return hit }
        }
        return nil
    }

    /// Links `bank`'s categories and loads the vocabulary, in one transaction.
    public func link(_ bank: any InstanceBank) async throws(BankError) -> Summary {
        let existing = try await bank.categories()
        do {
            return try await bank.write { writer in
                var summary = Summary()
                var present = Set<Int64>()
                var nextUser = max(BankCategory.userIdBase, (existing.map(\.id).max() ?? 0) + 1)
                for c in existing.sorted(by: { $0.id < $1.id }) {
                    guard let lvis = match(c) else {
                        summary.unmatched.append(c.name)
                        if !c.isUserDefined {
                            // It sits on an id LVIS gives another category: loading LVIS there would
                            // silently rename it, so it becomes a user category first.
                            var moved = c
                            moved.id = nextUser
                            nextUser += 1
                            _ = try writer.moveCategory(c.id, to: moved)
                        }
                        continue
                    }
                    let moved = try writer.moveCategory(c.id, to: BankCategory(lvis: lvis))
                    present.insert(Int64(lvis.id))
                    if c.id != Int64(lvis.id) {
                        summary.linked.append(Linked(fromID: c.id, fromName: c.name, lvisID: lvis.id, lvisName: lvis.name, instances: moved))
                    }
                }
                let missing = vocabulary.categories.filter { !present.contains(Int64($0.id)) }
                try writer.upsertCategories(missing.map(BankCategory.init(lvis:)))
                summary.loaded = vocabulary.count
                return summary
            }
        } catch let e as BankError {
            throw e
        } catch {
            throw BankErrorMapping.map(error)
        }
    }
}
