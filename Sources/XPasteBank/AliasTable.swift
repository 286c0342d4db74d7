/// Walker's alias method (Vose's construction): O(1) draws from a fixed discrete distribution.
@usableFromInline
struct AliasTable: Sendable, Hashable {
    @usableFromInline let probability: [Double]
    @usableFromInline let alias: [Int]

    /// Builds the table; `weights` must be non-empty, finite, ≥ 0, with a positive sum.
    init(weights: [Double]) {
        let n = weights.count
        let total = weights.reduce(0, +)
        var scaled = weights.map { $0 * Double(n) / total }
        var probability = [Double](repeating: 1, count: n)
        var alias = Array(0..<n)
        var small: [Int] = [], large: [Int] = []
        for (i, p) in scaled.enumerated() {
            if p < 1 { small.append(i) } else { large.append(i) }
        }
        while let s = small.popLast(), let l = large.popLast() {
            probability[s] = scaled[s]
            alias[s] = l
            scaled[l] = (scaled[l] + scaled[s]) - 1
            if scaled[l] < 1 { small.append(l) } else { large.append(l) }
        }
        // Whatever is left is 1 up to rounding.
        for i in small + large { probability[i] = 1 }
        self.probability = probability
        self.alias = alias
    }

    @inlinable
    func draw<G: RandomNumberGenerator>(using generator: inout G) -> Int {
        let column = generator.uniformIndex(below: probability.count)
        return generator.unitInterval() < probability[column] ? column : alias[column]
    }
}
