/// How many instances of one category are in each status.
public struct CategoryCounts: Sendable, Hashable, Codable {
    /// Category id.
    public var categoryId: Int64
    /// Category name.
    public var name: String
    /// Pending instances.
    public var pending: Int
    /// Accepted instances.
    public var accepted: Int
    /// Rejected instances.
    public var rejected: Int

    /// Creates a count record.
    public init(categoryId: Int64, name: String, pending: Int = 0, accepted: Int = 0, rejected: Int = 0) {
        self.categoryId = categoryId
        self.name = name
        self.pending = pending
        self.accepted = accepted
        self.rejected = rejected
    }

    /// All instances of the category.
    public var total: Int { pending + accepted + rejected }
}
