/// CLIP scores of one category's instances (those a filter matches), counted in equal-width bins:
/// what the bank browser draws with the keep bar on it.
public struct ScoreHistogram: Sendable, Hashable, Codable {
    /// The category.
    public var categoryId: Int64
    /// Lower edge of the first bin.
    public var lower: Double
    /// Upper edge of the last bin.
    public var upper: Double
    /// Instances per bin; scores below `lower` count in the first bin, above `upper` in the last.
    public var counts: [Int]
    /// Matching instances without a score.
    public var unscored: Int

    /// A histogram.
    public init(categoryId: Int64, lower: Double, upper: Double, counts: [Int], unscored: Int) {
        self.categoryId = categoryId
        self.lower = lower
        self.upper = upper
        self.counts = counts
        self.unscored = unscored
    }
}
