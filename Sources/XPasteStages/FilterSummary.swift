/// What `FilterStage.run` did.
public struct FilterSummary: Sendable, Hashable, Codable {
    /// One category's outcome.
    public struct Category: Sendable, Hashable, Codable {
        /// Category id.
        public var id: Int64
        /// Category name.
        public var name: String
        /// Pending instances scored.
        public var scored: Int
        /// Of them, accepted.
        public var accepted: Int
        /// Of them, rejected for their score.
        public var lowScore: Int
        /// Of them, rejected for their area.
        public var area: Int
        /// Of them, rejected because their cutout could not be decoded.
        public var unreadable: Int
        /// Earlier filter decisions in the category that the new best score changed.
        public var redecided: Int
        /// The category's bar, `min(min_clip, best − tolerance)`.
        public var bar: Float
        /// The best score in the category.
        public var best: Float
    }

    /// Every category with pending instances, by id.
    public var categories: [Category] = []

    /// Instances scored.
    public var scored: Int { categories.reduce(0) { $0 + $1.scored } }
    /// Instances accepted.
    public var accepted: Int { categories.reduce(0) { $0 + $1.accepted } }
    /// Instances rejected.
    public var rejected: Int { categories.reduce(0) { $0 + $1.lowScore + $1.area + $1.unreadable } }

    /// An empty summary.
    public init() {}
}
