import XPasteBank
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
/// Draws go through the bank's `InstanceSampler` (X-Paste's `cas_random` and `random`, and a
/// rare-first mode) over a snapshot taken once per run, so every draw is O(1) or O(log categories)
/// without touching the database — and depends only on the per-image generator, never on the
/// order in which threads asked.
public struct InstancePool: Sendable {
    /// One category with at least one instance.
    public struct Category: Sendable {
        /// Output category id.
        public let id: Int
        /// Size statistic used for this category's pastes.
        public let size: LVISSizePrior.Statistic
        /// Where `size` came from.
        public let sizeOrigin: SizePriorOrigin
        /// The instance ids, ascending.
        public let instances: [Int64]
    }

    /// Non-empty categories in ascending id order.
    public let categories: [Category]
    /// The draw tables.
    public let sampler: InstanceSampler
    private let indexByID: [Int: Int]

    /// Groups `instances` by category. `size` gives each category's statistic, `frequency` its LVIS
    /// frequency group (for `.rareFirst`). Throws `.emptyPool` when there is nothing to draw.
    public init(instances: [PoolInstance], sampling: CategorySampling, frequency: (Int) -> LVISFrequency? = { _ in nil },
                size: (Int) -> (LVISSizePrior.Statistic, SizePriorOrigin)) throws(CompositorError) {
        var groups: [Int: [Int64]] = [:]
        for inst in instances { groups[inst.category, default: []].append(inst.id) }
        var cats: [Category] = []
        var pools: [Int64: [Int64]] = [:]
        var frequencies: [Int64: CategoryFrequency] = [:]
        for id in groups.keys.sorted() {
            let (stat, origin) = size(id)
            let ids = groups[id]!.sorted()
            cats.append(Category(id: id, size: stat, sizeOrigin: origin, instances: ids))
            pools[Int64(id)] = ids
            if let f = frequency(id).flatMap({ CategoryFrequency(rawValue: $0.rawValue) }) { frequencies[Int64(id)] = f }
        }
        do {
            sampler = try InstanceSampler(pools: pools, frequencies: frequencies, mode: sampling.mode)
        } catch {
            throw .emptyPool(error.description)
        }
        categories = cats
        var index: [Int: Int] = [:]
        for (k, c) in cats.enumerated() { index[c.id] = k }
        indexByID = index
    }

    /// Total number of instances.
    public var count: Int { sampler.instanceCount }

    /// Draws one instance; also returns its category's index in `categories`.
    public func draw(using rng: inout PasteRandom) -> (instance: PoolInstance, category: Int) {
        let d = sampler.draw(using: &rng)
        let category = Int(d.categoryId)
        return (PoolInstance(id: d.instanceId, category: category), indexByID[category]!)
    }
}
