/// One page request of a browse.
public struct InstanceQuery: Sendable, Hashable, Codable {
    /// Largest page the bank returns.
    public static let maximumLimit = 1000

    /// Which instances.
    public var filter: InstanceFilter
    /// In what order.
    public var order: InstanceOrder
    /// Page size, 1…`maximumLimit`.
    public var limit: Int
    /// `InstancePage.nextCursor` of the previous page; nil for the first page.
    public var cursor: String?

    /// Creates a page request.
    public init(filter: InstanceFilter = .all, order: InstanceOrder = .newest, limit: Int = 100, cursor: String? = nil) {
        self.filter = filter
        self.order = order
        self.limit = limit
        self.cursor = cursor
    }
}
