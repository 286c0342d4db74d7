/// Where the bytes of a source image are kept.
public enum SourceStorage: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not kept; only the hash, size and provenance are recorded.
    case none
    /// In the bank file, as a content-addressed blob.
    case blob
    /// In the content-addressed folder next to the bank file (large images).
    case file
}
