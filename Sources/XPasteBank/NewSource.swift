import Foundation

/// A source image to record: what it is, where it came from, and optionally its bytes.
public struct NewSource: Sendable {
    /// How it entered the bank.
    public var kind: SourceKind
    /// The category it was gathered for, if any.
    public var categoryId: Int64?
    /// The job that gathered it.
    public var jobId: String?
    /// SHA-256 of the image file bytes: sources with the same hash are one source.
    public var sha256: SHA256Digest
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// MIME type of the bytes (`image/jpeg`), when known.
    public var mediaType: String?
    /// The file bytes to keep, or nil to record only the hash. Kept bytes go into the bank, or into
    /// the folder next to it when larger than `BankConfiguration.sourceFolderThreshold`.
    public var bytes: Data?
    /// Where it came from.
    public var provenance: SourceProvenance
    /// CLIP score of the whole image, when computed.
    public var clipScore: Double?
    /// Pipeline status.
    public var status: SourceStatus
    /// Why a stage failed, with `status == .failed`.
    public var error: String?
    /// When it was gathered; nil means now.
    public var createdAt: Date?

    /// Records a source by hash only.
    public init(
        kind: SourceKind, sha256: SHA256Digest, width: Int, height: Int, provenance: SourceProvenance = .init(),
        categoryId: Int64? = nil, jobId: String? = nil, mediaType: String? = nil, clipScore: Double? = nil,
        status: SourceStatus = .pending, error: String? = nil, createdAt: Date? = nil
    ) {
        self.kind = kind
        self.sha256 = sha256
        self.width = width
        self.height = height
        self.provenance = provenance
        self.categoryId = categoryId
        self.jobId = jobId
        self.mediaType = mediaType
        self.bytes = nil
        self.clipScore = clipScore
        self.status = status
        self.error = error
        self.createdAt = createdAt
    }

    /// Records a source and keeps its bytes; the hash is computed here, outside any transaction.
    public init(
        kind: SourceKind, bytes: Data, width: Int, height: Int, provenance: SourceProvenance = .init(),
        categoryId: Int64? = nil, jobId: String? = nil, mediaType: String? = nil, clipScore: Double? = nil,
        status: SourceStatus = .pending, error: String? = nil, createdAt: Date? = nil
    ) {
        self.init(
            kind: kind, sha256: SHA256Digest(hashing: bytes), width: width, height: height, provenance: provenance,
            categoryId: categoryId, jobId: jobId, mediaType: mediaType, clipScore: clipScore, status: status,
            error: error, createdAt: createdAt)
        self.bytes = bytes
    }
}
