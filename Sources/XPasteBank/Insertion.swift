/// The outcome of adding a record that the bank deduplicates.
public struct Insertion: Sendable, Hashable {
    /// Id of the row: the new one, or the existing one with the same content.
    public var id: Int64
    /// False when an identical record was already there and nothing was written.
    public var inserted: Bool

    /// Creates an outcome.
    public init(id: Int64, inserted: Bool) {
        self.id = id
        self.inserted = inserted
    }
}
