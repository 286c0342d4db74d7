/// What `InstanceBank.verify(full:)` found.
public struct BankVerification: Sendable, Hashable, Codable {
    /// Messages from SQLite's integrity (or quick) check; `["ok"]` when the file is sound.
    public var integrity: [String]
    /// Foreign-key violations, one line each.
    public var foreignKeyViolations: [String]
    /// Kept source files that are missing or do not match their hash.
    public var missingSourceFiles: [String]
    /// Blobs whose bytes no longer hash to their address (full check only).
    public var corruptBlobs: [SHA256Digest]
    /// Categories whose kept counters disagree with a recount (full check only).
    public var countMismatches: [Int64]
    /// Blobs re-hashed (full check only).
    public var blobsChecked: Int

    /// True when nothing is wrong.
    public var isOK: Bool {
        integrity == ["ok"] && foreignKeyViolations.isEmpty && missingSourceFiles.isEmpty && corruptBlobs.isEmpty
            && countMismatches.isEmpty
    }

    /// A value with every field given (drivers build these from their rows).
    public init(
        integrity: [String], foreignKeyViolations: [String], missingSourceFiles: [String],
        corruptBlobs: [SHA256Digest], countMismatches: [Int64], blobsChecked: Int
    ) {
        self.integrity = integrity
        self.foreignKeyViolations = foreignKeyViolations
        self.missingSourceFiles = missingSourceFiles
        self.corruptBlobs = corruptBlobs
        self.countMismatches = countMismatches
        self.blobsChecked = blobsChecked
    }
}
