import XPasteLVIS

/// One cutout that may be pasted: its bank instance id and the category it is annotated as.
public struct PoolInstance: Sendable, Hashable, Codable {
    /// Bank instance id (written as provenance into the manifest).
    public var id: Int64
    /// Category id in the output dataset (LVIS id, or the background file's COCO id).
    public var category: Int

    /// Creates a pool entry.
    public init(id: Int64, category: Int) {
        self.id = id
        self.category = category
    }
}

/// The instances a run may paste, grouped by output category, with each category's size statistic.
///
/// Built once per run from one pass over the bank's metadata (no blobs), so every draw afterwards
/// is O(1) or O(log categories) and does not touch the database — and so draws depend only on the
/// per-image generator, never on the order in which threads asked.
public struct InstancePool: Sendable {
    /// One category with at least one instance.
    public struct Category: Sendable {
        /// Output category id.
        public let id: Int
        /// Size statistic used for this category's pastes.
        public let size: LVISSizePrior.Statistic
        /// Where `size` came from.
        public let sizeOrigin: SizePriorOrigin
        /// The instances, in ascending id order.
        public let instances: [PoolInstance]
    }

    /// Non-empty categories in ascending id order.
    public let categories: [Category]
    /// Running instance counts: `cumulative[k]` = instances in categories before k.
    private let cumulative: [Int]
    /// Total number of instances.
    public let count: Int

    /// Groups `instances` by category; `size` gives each category's statistic. Instances are
    /// sorted by id and categories by id, so the pool does not depend on the order it was read in.
    public init(instances: [PoolInstance], size: (Int) -> (LVISSizePrior.Statistic, SizePriorOrigin)) {
        var groups: [Int: [PoolInstance]] = [:]
        for inst in instances { groups[inst.category, default: []].append(inst) }
        var cats: [Category] = []
        for id in groups.keys.sorted() {
            let (stat, origin) = size(id)
            cats.append(Category(id: id, size: stat, sizeOrigin: origin, instances: groups[id]!.sorted { $0.id < $1.id }))
        }
        var running = 0
        var cumulative: [Int] = []
        for c in cats {
            cumulative.append(running)
            running += c.instances.count
        }
        self.categories = cats
        self.cumulative = cumulative
        self.count = running
    }

    /// True when there is nothing to paste.
    public var isEmpty: Bool { count == 0 }

    /// Draws one instance and its category's index with `mode`.
    public func draw(_ mode: CategorySampling, using rng: inout PasteRandom) -> (instance: PoolInstance, category: Int) {
        precondition(!isEmpty, "draw from an empty pool")
        switch mode {
        case .categoryBalanced:
            let c = rng.below(categories.count)
            let i = rng.below(categories[c].instances.count)
            return (categories[c].instances[i], c)
        case .uniform:
            let k = rng.below(count)
            // Last category whose first instance index is ≤ k.
            var lo = 0, hi = cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if cumulative[mid] <= k { lo = mid } else { hi = mid - 1 }
            }
            return (categories[lo].instances[k - cumulative[lo]], lo)
        }
    }
}
