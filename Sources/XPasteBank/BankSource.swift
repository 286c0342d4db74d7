import Foundation

/// A source image as the bank holds it.
public struct BankSource: Sendable, Hashable, Codable {
    /// Row id.
    public var id: Int64
    /// How it entered the bank.
    public var kind: SourceKind
    /// The category it was gathered for.
    public var categoryId: Int64?
    /// The job that gathered it.
    public var jobId: String?
    /// SHA-256 of the image file bytes.
    public var sha256: SHA256Digest
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// MIME type, when known.
    public var mediaType: String?
    /// Where the bytes are kept.
    public var storage: SourceStorage
    /// Where it came from.
    public var provenance: SourceProvenance
    /// CLIP score of the whole image.
    public var clipScore: Double?
    /// Pipeline status.
    public var status: SourceStatus
    /// Why a stage failed.
    public var error: String?
    /// When it was recorded.
    public var createdAt: Date

    /// A value with every field given (drivers build these from their rows).
    public init(
        id: Int64, kind: SourceKind, categoryId: Int64?, jobId: String?, sha256: SHA256Digest, width: Int,
        height: Int, mediaType: String?, storage: SourceStorage, provenance: SourceProvenance, clipScore: Double?,
        status: SourceStatus, error: String?, createdAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.categoryId = categoryId
        self.jobId = jobId
        self.sha256 = sha256
        self.width = width
        self.height = height
        self.mediaType = mediaType
        self.storage = storage
        self.provenance = provenance
        self.clipScore = clipScore
        self.status = status
        self.error = error
        self.createdAt = createdAt
    }
}
