import Foundation
import Testing
import XPasteTestSupport
@testable import XPasteBank

/// Pearson's chi-square statistic and its upper-tail p-value (Wilson–Hilferty normal
/// approximation, accurate to well under 1% of p for the ≥ 10 degrees of freedom used here).
enum ChiSquare {
    static func statistic(observed: [Int], expected: [Double]) -> Double {
        zip(observed, expected).reduce(0) { $0 + (Double($1.0) - $1.1) * (Double($1.0) - $1.1) / $1.1 }
    }

    static func pValue(_ chi2: Double, degreesOfFreedom k: Int) -> Double {
        let k = Double(k)
        let z = (pow(chi2 / k, 1.0 / 3.0) - (1 - 2 / (9 * k))) / (2 / (9 * k)).squareRoot()
        return 0.5 * erfc(z / 2.0.squareRoot())
    }

    /// p-value of `observed` counts against probabilities `p` (summing to 1).
    static func test(_ observed: [Int], _ p: [Double]) -> Double {
        let n = Double(observed.reduce(0, +))
        return pValue(statistic(observed: observed, expected: p.map { $0 * n }), degreesOfFreedom: observed.count - 1)
    }
}

@Suite struct BankSamplerTests {
    /// 40 categories with pools of 1…~400 instances; ids encode (category, index) for checking.
    static func pools() -> [Int64: [Int64]] {
        var pools: [Int64: [Int64]] = [:]
        for c in 1...40 {
            let size = c == 1 ? 1 : (c * c * 7) % 400 + 1
            pools[Int64(c)] = (0..<size).map { Int64(c * 10_000 + $0) }
        }
        return pools
    }

    static func frequencies() -> [Int64: CategoryFrequency] {
        var f: [Int64: CategoryFrequency] = [:]
        for c in 1...40 where c % 4 != 0 {  // every 4th category has no group (user category)
            f[Int64(c)] = [.rare, .common, .frequent][c % 3]
        }
        return f
    }

    private func categoryCounts(_ sampler: InstanceSampler, draws: Int, seed: UInt64) -> [Int] {
        var rng = Xoshiro256StarStar(seed: seed)
        var counts: [Int64: Int] = [:]
        for _ in 0..<draws {
            let d = sampler.draw(using: &rng)
            #expect(d.instanceId / 10_000 == d.categoryId)
            counts[d.categoryId, default: 0] += 1
        }
        return sampler.categoryIds.map { counts[$0] ?? 0 }
    }

    @Test func generatorMatchesTheReferenceSequence() throws {
        let out = try ReferencePython.run(script: "Tests/XPasteBankTests/Reference/xoshiro.py", arguments: ["0", "42", "18446744073709551615"])
        for line in String(decoding: out, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ").map { UInt64($0)! }
            var rng = Xoshiro256StarStar(seed: parts[0])
            #expect((0..<6).map { _ in rng.next() } == Array(parts[1...]), "seed \(parts[0])")
        }
    }

    @Test func classBalancedIsUniformOverCategoriesThenWithin() throws {
        let pools = Self.pools()
        let sampler = try InstanceSampler(pools: pools, mode: .classBalanced)
        let counts = categoryCounts(sampler, draws: 200_000, seed: 7)
        let uniform = Array(repeating: 1.0 / 40, count: 40)
        let p = ChiSquare.test(counts, uniform)
        #expect(p > 0.001, "chi-square p = \(p) against uniform categories")
        // Power: the same counts are far from pool-proportional.
        let total = Double(pools.values.map(\.count).reduce(0, +))
        let proportional = sampler.categoryIds.map { Double(pools[$0]!.count) / total }
        #expect(ChiSquare.test(counts, proportional) < 1e-9)
        #expect(abs(sampler.probability(ofCategory: 5) - 1.0 / 40) < 1e-12)

        // Within one category, every instance equally likely.
        let big = sampler.categoryIds.max { pools[$0]!.count < pools[$1]!.count }!
        let one = try sampler.restricted(to: [big])
        var rng = Xoshiro256StarStar(seed: 11)
        var within = [Int64: Int]()
        let n = pools[big]!.count * 100
        for _ in 0..<n { within[one.draw(using: &rng).instanceId, default: 0] += 1 }
        let observed = pools[big]!.sorted().map { within[$0] ?? 0 }
        let pWithin = ChiSquare.test(observed, Array(repeating: 1.0 / Double(observed.count), count: observed.count))
        #expect(pWithin > 0.001, "within-category chi-square p = \(pWithin)")
    }

    @Test func proportionalFollowsPoolSizes() throws {
        let pools = Self.pools()
        let sampler = try InstanceSampler(pools: pools, mode: .proportional)
        let counts = categoryCounts(sampler, draws: 200_000, seed: 8)
        let total = Double(pools.values.map(\.count).reduce(0, +))
        let expected = sampler.categoryIds.map { Double(pools[$0]!.count) / total }
        let p = ChiSquare.test(counts, expected)
        #expect(p > 0.001, "chi-square p = \(p) against pool sizes")
        #expect(ChiSquare.test(counts, Array(repeating: 1.0 / 40, count: 40)) < 1e-9)
        #expect(abs(sampler.probability(ofCategory: 1) - 1 / total) < 1e-12)
    }

    @Test func rareFirstFollowsFrequencyWeights() throws {
        let weights = FrequencyWeights()
        let frequencies = Self.frequencies()
        let sampler = try InstanceSampler(pools: Self.pools(), frequencies: frequencies, mode: .rareFirst(weights))
        let counts = categoryCounts(sampler, draws: 200_000, seed: 9)
        let w = sampler.categoryIds.map { weights.weight(frequencies[$0]) }
        let sum = w.reduce(0, +)
        let p = ChiSquare.test(counts, w.map { $0 / sum })
        #expect(p > 0.001, "chi-square p = \(p) against frequency weights")
        #expect(ChiSquare.test(counts, Array(repeating: 1.0 / 40, count: 40)) < 1e-9)
        // Rare categories come up about 3.2 times as often as frequent ones.
        let rare = sampler.categoryIds.first { frequencies[$0] == .rare }!
        let frequent = sampler.categoryIds.first { frequencies[$0] == .frequent }!
        #expect(abs(sampler.probability(ofCategory: rare) / sampler.probability(ofCategory: frequent) - 3.2) < 1e-9)
        // Zero weight removes a group.
        let noFrequent = try InstanceSampler(
            pools: Self.pools(), frequencies: frequencies, mode: .rareFirst(FrequencyWeights(frequent: 0)))
        var rng = Xoshiro256StarStar(seed: 3)
        for _ in 0..<20_000 { #expect(frequencies[noFrequent.draw(using: &rng).categoryId] != .frequent) }
    }

    @Test func drawsAreReproducibleFromTheSeed() throws {
        let sampler = try InstanceSampler(pools: Self.pools(), mode: .classBalanced)
        var a = Xoshiro256StarStar(seed: 2024), b = Xoshiro256StarStar(seed: 2024), c = Xoshiro256StarStar(seed: 2025)
        let first = sampler.draw(1000, using: &a)
        #expect(first == sampler.draw(1000, using: &b))
        #expect(first != sampler.draw(1000, using: &c))
        // Pool order does not matter: the snapshot sorts ids.
        let shuffled = Self.pools().mapValues { $0.reversed() as [Int64] }
        var d = Xoshiro256StarStar(seed: 2024)
        let again = try InstanceSampler(pools: shuffled, mode: .classBalanced)
        #expect(again.draw(1000, using: &d) == first)
        #expect(again.digest == sampler.digest)
        #expect(Array(again.instanceIds(of: 3)) == Self.pools()[3]!.sorted())
        #expect(again.instanceIds(of: 99).isEmpty)
        var fewer = Self.pools()
        fewer[3]!.removeLast()
        #expect(try InstanceSampler(pools: fewer, mode: .classBalanced).digest != sampler.digest)
    }

    @Test func emptyPoolsAreATypedError() {
        #expect(throws: BankError.self) { try InstanceSampler(pools: [:], mode: .classBalanced) }
        #expect(throws: BankError.self) { try InstanceSampler(pools: [1: []], mode: .proportional) }
        #expect(throws: BankError.self) {
            try InstanceSampler(pools: [1: [5]], frequencies: [1: .rare], mode: .rareFirst(FrequencyWeights(rare: 0)))
        }
        #expect(throws: BankError.self) { try InstanceSampler(pools: [1: [5]], mode: .classBalanced).restricted(to: [2]) }
    }

    @Test func bankSnapshotHoldsOnlyAcceptedInstances() throws {
        let f = try BankFixture()
        try f.addCategories()
        let source = try f.addSource(seed: 1)
        var accepted: Set<Int64> = []
        for i in 0..<60 {
            let status: InstanceStatus = i % 3 == 0 ? .accepted : (i % 3 == 1 ? .rejected : .pending)
            let id = try f.bank.addInstances([try BankFixture.instance(source: source, category: Int64(1 + i % 2), seed: i, status: status)])[0].id
            if status == .accepted { accepted.insert(id) }
        }
        let sampler = try f.bank.makeSampler(.classBalanced)
        #expect(sampler.instanceCount == accepted.count)
        #expect(Set(sampler.categoryIds) == [1, 2])
        var rng = Xoshiro256StarStar(seed: 1)
        var seen: Set<Int64> = []
        for _ in 0..<5000 {
            let d = sampler.draw(using: &rng)
            #expect(accepted.contains(d.instanceId))
            seen.insert(d.instanceId)
        }
        #expect(seen == accepted)
        // Restricted to one category; a category without accepted instances is an error.
        #expect(try f.bank.makeSampler(.proportional, categories: [2]).categoryIds == [2])
        #expect { try f.bank.makeSampler(.classBalanced, categories: [3]) } throws: { ($0 as? BankError)?.code == "bank.empty_pool" }
        // Frequencies come from the categories: aerosol_can is common, air_conditioner frequent.
        let weighted = try f.bank.makeSampler(.rareFirst(FrequencyWeights()))
        #expect(abs(weighted.probability(ofCategory: 1) - 1.8 / 2.8) < 1e-12)
        // The compositor reads the pixels of what it drew.
        let drawn = sampler.draw(8, using: &rng)
        let cutouts = try f.bank.cutouts(of: drawn.map(\.instanceId))
        #expect(cutouts.map(\.instanceId) == drawn.map(\.instanceId))
        #expect(cutouts.allSatisfy { SHA256Digest(hashing: $0.png) == $0.sha256 })
    }
}
