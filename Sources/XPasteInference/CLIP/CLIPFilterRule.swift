/// X-Paste's CLIP keep rule for the cutouts of one category: keep a cutout when its score is at
/// least `min(minScore, best − tolerance)` (best = the category's highest score) and its mask
/// covers between `minAreaRatio` and `maxAreaRatio` of its source image.
///
/// As in X-Paste's `clean_pool.py`, `best` is the highest score of every scored cutout of the
/// category, those outside the area bounds included (`np.max` over all clip scores, before the area
/// test), and the area is the raw mask's share of the image (`mask > 128`, every component).
public struct CLIPFilterRule: Sendable, Hashable, Codable {
    /// The score that always suffices (X-Paste's README: 21).
    public var minScore: Float
    /// How far below the category's best a cutout may score and still be kept (README: 1).
    public var tolerance: Float
    /// Smallest mask area / image area kept (0.05).
    public var minAreaRatio: Double
    /// Largest mask area / image area kept (0.95).
    public var maxAreaRatio: Double

    /// X-Paste's published values unless overridden.
    public init(minScore: Float = 21, tolerance: Float = 1, minAreaRatio: Double = 0.05, maxAreaRatio: Double = 0.95) {
        self.minScore = minScore
        self.tolerance = tolerance
        self.minAreaRatio = minAreaRatio
        self.maxAreaRatio = maxAreaRatio
    }

    /// One cutout to judge.
    public struct Candidate: Sendable, Hashable, Codable {
        /// CLIP score (100 × cosine) against the category's prompt.
        public var score: Float
        /// Mask area / source image area.
        public var areaRatio: Double

        /// A candidate with its score and area ratio.
        public init(score: Float, areaRatio: Double) {
            self.score = score
            self.areaRatio = areaRatio
        }
    }

    /// The verdict on one cutout, with the numbers it was made from (stored with the instance).
    public struct Decision: Sendable, Hashable, Codable {
        /// Why a cutout was kept or dropped.
        public enum Reason: String, Sendable, Hashable, Codable {
            /// Score and area both pass.
            case kept
            /// Score under the category's bar.
            case lowScore = "low_score"
            /// Mask too small or too large for its image.
            case area
        }

        /// Whether the cutout goes into the bank.
        public let keep: Bool
        /// Why.
        public let reason: Reason
        /// The cutout's score.
        public let score: Float
        /// The category's bar, `min(minScore, best − tolerance)`.
        public let bar: Float
        /// The best score in the category.
        public let best: Float
        /// The cutout's area ratio.
        public let areaRatio: Double
    }

    /// Decides every candidate of one category. The bar uses the best score over every candidate,
    /// out-of-area ones included, as X-Paste does: an out-of-area cutout that scores high raises the
    /// bar for the rest (in-area {18, 17.5} with an out-of-area 25 keep nothing).
    public func decide(_ candidates: [Candidate]) -> [Decision] {
        let best = candidates.map(\.score).max() ?? 0
        let bar = min(minScore, best - tolerance)
        return candidates.map { c in
            let areaOK = c.areaRatio >= minAreaRatio && c.areaRatio <= maxAreaRatio
            let scoreOK = c.score >= bar
            let reason: Decision.Reason = !areaOK ? .area : (scoreOK ? .kept : .lowScore)
            return Decision(keep: areaOK && scoreOK, reason: reason, score: c.score, bar: bar, best: best, areaRatio: c.areaRatio)
        }
    }
}
