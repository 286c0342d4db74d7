/// What `ExtractStage.run` did.
public struct ExtractSummary: Sendable, Hashable, Codable {
    /// One source that failed, with the error recorded on it.
    public struct Failure: Sendable, Hashable, Codable {
        /// The source.
        public var sourceId: Int64
        /// The error stored with the source (stable code first).
        public var error: String
    }

    /// Sources looked at.
    public var sources = 0
    /// Sources marked extracted (with or without an object).
    public var extracted = 0
    /// Instances added to the bank.
    public var instances = 0
    /// Cutouts the bank already held in the same category (recorded once).
    public var duplicates = 0
    /// Sources in which no segmenter found an object.
    public var empty = 0
    /// Sources marked failed.
    public var failures: [Failure] = []
    /// How many cutouts each segmenter won.
    public var wins: [String: Int] = [:]

    /// An empty summary.
    public init() {}
}
