import Foundation

/// What an export wrote.
public struct ExportSummary: Sendable, Hashable {
    /// The export folder.
    public var folder: URL
    /// The X-Paste pool file (`pool.json`).
    public var poolFile: URL
    /// Cutouts written.
    public var instances: Int
    /// Category folders written.
    public var categories: Int
    /// Cutouts listed in the pool file (user categories have no X-Paste index and are left out of it,
    /// but are in their folders).
    public var pooledInstances: Int
    /// Instances skipped because their cutout blob's bytes do not match its SHA-256 (verified on
    /// read); a non-empty list means the export is incomplete and the bank needs repair.
    public var corruptInstances: [Int64] = []
}
