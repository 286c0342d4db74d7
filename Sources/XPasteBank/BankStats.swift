/// Totals over the whole bank, cheap to compute (kept counters and table sizes, no full scan of
/// instances).
public struct BankStats: Sendable, Hashable, Codable {
    /// Schema version (number of applied migrations).
    public var schemaVersion: Int
    /// Categories known.
    public var categories: Int
    /// Categories with at least one accepted instance.
    public var categoriesWithAccepted: Int
    /// Sources by kind.
    public var sourcesByKind: [SourceKind: Int]
    /// Instances by status.
    public var instancesByStatus: [InstanceStatus: Int]
    /// Distinct blobs stored in the bank file.
    public var blobs: Int
    /// Their total size in bytes.
    public var blobBytes: Int64
    /// Size of the bank file (plus WAL) in bytes.
    public var fileBytes: Int64

    /// All instances.
    public var instances: Int { instancesByStatus.values.reduce(0, +) }
    /// All sources.
    public var sources: Int { sourcesByKind.values.reduce(0, +) }

    /// A value with every field given (drivers build these from their rows).
    public init(
        schemaVersion: Int, categories: Int, categoriesWithAccepted: Int, sourcesByKind: [SourceKind: Int],
        instancesByStatus: [InstanceStatus: Int], blobs: Int, blobBytes: Int64, fileBytes: Int64
    ) {
        self.schemaVersion = schemaVersion
        self.categories = categories
        self.categoriesWithAccepted = categoriesWithAccepted
        self.sourcesByKind = sourcesByKind
        self.instancesByStatus = instancesByStatus
        self.blobs = blobs
        self.blobBytes = blobBytes
        self.fileBytes = fileBytes
    }
}
