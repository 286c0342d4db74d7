import Crypto

/// A snapshot of the accepted instances, per category, for drawing paste candidates: built once
/// from the bank (`InstanceBank.makeSampler`), then every draw is O(1) (O(log categories) for
/// `proportional`) with no database access. Instances accepted after the snapshot are not drawn
/// until the next one.
///
/// Draws depend only on the snapshot and the generator, so the same bank state and seed give the
/// same sequence.
public struct InstanceSampler: Sendable {
    /// How categories are weighted.
    public let mode: SamplingMode
    /// Categories that can be drawn, ascending.
    public let categoryIds: [Int64]
    /// `offsets[k] ..< offsets[k + 1]` is category k's slice of `instanceIds`.
    @usableFromInline let offsets: [Int]
    /// Accepted instance ids, grouped by category, ascending within each.
    @usableFromInline let instanceIds: [Int64]
    /// Category draw table for weighted modes.
    @usableFromInline let alias: AliasTable?
    /// Probability of each category (same order as `categoryIds`).
    private let categoryProbabilities: [Double]
    private let frequencies: [Int64: CategoryFrequency]

    /// Builds a sampler from per-category pools. Empty pools are ignored; ids are sorted so the
    /// draw sequence does not depend on the order the bank returned rows in.
    public init(pools: [Int64: [Int64]], frequencies: [Int64: CategoryFrequency] = [:], mode: SamplingMode) throws(BankError) {
        let categories = pools.filter { !$0.value.isEmpty }.keys.sorted()
        var offsets = [0]
        var ids: [Int64] = []
        ids.reserveCapacity(pools.values.reduce(0) { $0 + $1.count })
        for category in categories {
            ids.append(contentsOf: pools[category]!.sorted())
            offsets.append(ids.count)
        }
        var weights: [Double]
        switch mode {
        case .classBalanced:
            weights = Array(repeating: 1, count: categories.count)
        case .proportional:
            weights = (0..<categories.count).map { Double(offsets[$0 + 1] - offsets[$0]) }
        case .rareFirst(let table):
            weights = categories.map { table.weight(frequencies[$0]) }
            guard weights.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw BankError.invalidArgument("frequency weights must be finite and ≥ 0")
            }
        }
        let total = weights.reduce(0, +)
        guard !categories.isEmpty, total > 0 else {
            throw BankError.emptyPool("no category has accepted instances with a positive weight")
        }
        self.mode = mode
        self.categoryIds = categories
        self.offsets = offsets
        self.instanceIds = ids
        self.categoryProbabilities = weights.map { $0 / total }
        self.frequencies = frequencies
        if case .rareFirst = mode {
            alias = AliasTable(weights: weights)
        } else {
            alias = nil
        }
    }

    /// Accepted instances in the snapshot.
    public var instanceCount: Int { instanceIds.count }

    /// How many accepted instances `categoryId` has in the snapshot.
    public func poolSize(of categoryId: Int64) -> Int {
        guard let k = index(of: categoryId) else { return 0 }
        return offsets[k + 1] - offsets[k]
    }

    /// The accepted instance ids of `categoryId` in the snapshot, ascending (empty when it has none):
    /// what a caller needs to list or iterate a category's pool.
    public func instanceIds(of categoryId: Int64) -> ArraySlice<Int64> {
        guard let k = index(of: categoryId) else { return [] }
        return instanceIds[offsets[k]..<offsets[k + 1]]
    }

    /// SHA-256 over the snapshot's categories and instance ids: equal digests mean the same drawable
    /// pool, so a run can record which state of the bank it sampled from.
    public var digest: SHA256Digest {
        var hasher = Crypto.SHA256()
        for (k, category) in categoryIds.enumerated() {
            withUnsafeBytes(of: category.littleEndian) { hasher.update(bufferPointer: $0) }
            withUnsafeBytes(of: Int64(offsets[k + 1] - offsets[k]).littleEndian) { hasher.update(bufferPointer: $0) }
            instanceIds[offsets[k]..<offsets[k + 1]].withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
        return SHA256Digest(hasher.finalize())
    }

    /// The probability that a draw picks `categoryId`.
    public func probability(ofCategory categoryId: Int64) -> Double {
        guard let k = index(of: categoryId) else { return 0 }
        return categoryProbabilities[k]
    }

    /// One draw.
    @inlinable
    public func draw<G: RandomNumberGenerator>(using generator: inout G) -> SampledInstance {
        drawImpl(using: &generator)
    }

    /// `count` draws.
    @inlinable
    public func draw<G: RandomNumberGenerator>(_ count: Int, using generator: inout G) -> [SampledInstance] {
        var out: [SampledInstance] = []
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(drawImpl(using: &generator)) }
        return out
    }

    /// The same snapshot restricted to `categories` (X-Paste's `cats_random`); throws `emptyPool`
    /// when none of them has accepted instances.
    public func restricted(to categories: Set<Int64>) throws(BankError) -> InstanceSampler {
        var pools: [Int64: [Int64]] = [:]
        for (k, id) in categoryIds.enumerated() where categories.contains(id) {
            pools[id] = Array(instanceIds[offsets[k]..<offsets[k + 1]])
        }
        return try InstanceSampler(pools: pools, frequencies: frequencies, mode: mode)
    }

    @inlinable
    func drawImpl<G: RandomNumberGenerator>(using generator: inout G) -> SampledInstance {
        let k: Int
        switch mode {
        case .proportional:
            let i = generator.uniformIndex(below: instanceIds.count)
            k = category(containing: i)
            return SampledInstance(instanceId: instanceIds[i], categoryId: categoryIds[k])
        case .classBalanced:
            k = generator.uniformIndex(below: categoryIds.count)
        case .rareFirst:
            k = alias!.draw(using: &generator)
        }
        let start = offsets[k]
        let i = start + generator.uniformIndex(below: offsets[k + 1] - start)
        return SampledInstance(instanceId: instanceIds[i], categoryId: categoryIds[k])
    }

    /// The category slice holding flat index `i` (binary search over `offsets`).
    @inlinable
    func category(containing i: Int) -> Int {
        var lo = 0, hi = categoryIds.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if offsets[mid] <= i { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    private func index(of categoryId: Int64) -> Int? {
        var lo = 0, hi = categoryIds.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if categoryIds[mid] < categoryId { lo = mid + 1 } else { hi = mid }
        }
        return lo < categoryIds.count && categoryIds[lo] == categoryId ? lo : nil
    }
}
