/// How the compositor's draws spread over categories. Within a category every accepted instance is
/// equally likely in all modes.
public enum SamplingMode: Sendable, Hashable, Codable {
    /// Uniform over categories that have accepted instances, then uniform within the category:
    /// X-Paste's `cas_random` (`_get_cls_balanced_random_samples`).
    case classBalanced
    /// Every accepted instance equally likely, so categories come up in proportion to their pool
    /// size (X-Paste's `random`).
    case proportional
    /// Categories weighted by their LVIS frequency group, rare first.
    case rareFirst(FrequencyWeights)
}

/// Category weights by LVIS frequency group for `SamplingMode.rareFirst`.
///
/// The defaults follow LVIS repeat-factor sampling (threshold t = 0.001 on 100k training images):
/// a rare category (< 10 images) repeats ≥ √10 ≈ 3.2 times, a frequent one (≥ 100 images) once,
/// and a common one in between (geometric midpoint ≈ 1.8). User categories have no LVIS frequency
/// and default to the rare weight: they are usually what the user lacks data for.
public struct FrequencyWeights: Sendable, Hashable, Codable {
    /// Weight of rare categories.
    public var rare: Double
    /// Weight of common categories.
    public var common: Double
    /// Weight of frequent categories.
    public var frequent: Double
    /// Weight of categories without a frequency group.
    public var unknown: Double

    /// Creates weights; each must be finite and ≥ 0.
    public init(rare: Double = 3.2, common: Double = 1.8, frequent: Double = 1, unknown: Double = 3.2) {
        self.rare = rare
        self.common = common
        self.frequent = frequent
        self.unknown = unknown
    }

    /// The weight of a category in `group`.
    public func weight(_ group: CategoryFrequency?) -> Double {
        switch group {
        case .rare: rare
        case .common: common
        case .frequent: frequent
        case nil: unknown
        }
    }
}
