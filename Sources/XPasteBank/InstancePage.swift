/// One page of a browse.
public struct InstancePage: Sendable, Hashable, Codable {
    /// The instances, in the requested order.
    public var instances: [BankInstance]
    /// Opaque token for the next page; nil on the last page.
    public var nextCursor: String?

    /// Creates a page.
    public init(instances: [BankInstance], nextCursor: String?) {
        self.instances = instances
        self.nextCursor = nextCursor
    }
}
