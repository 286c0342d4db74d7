/// What a delete removed.
public struct DeletionSummary: Sendable, Hashable, Codable {
    /// Instances deleted.
    public var instances: Int
    /// Blobs deleted because no instance or source referred to them any more.
    public var blobs: Int
    /// Bytes those blobs held.
    public var blobBytes: Int64

    /// Creates a summary.
    public init(instances: Int = 0, blobs: Int = 0, blobBytes: Int64 = 0) {
        self.instances = instances
        self.blobs = blobs
        self.blobBytes = blobBytes
    }
}
