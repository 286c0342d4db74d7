/// One draw of the sampler.
public struct SampledInstance: Sendable, Hashable {
    /// The instance to paste.
    public var instanceId: Int64
    /// Its category.
    public var categoryId: Int64

    /// Creates a draw result.
    @inlinable
    public init(instanceId: Int64, categoryId: Int64) {
        self.instanceId = instanceId
        self.categoryId = categoryId
    }
}
