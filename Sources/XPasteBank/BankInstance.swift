import Foundation
import XPasteImage

/// An instance (cutout) as the bank holds it: metadata only; read the pixels with
/// `InstanceBank.cutout(of:)`.
public struct BankInstance: Sendable, Hashable, Codable {
    /// Row id.
    public var id: Int64
    /// The source image it was cut from.
    public var sourceId: Int64
    /// Its category.
    public var categoryId: Int64
    /// Kind of the source (copied at insert, so filters need no join).
    public var sourceKind: SourceKind
    /// The job that made it.
    public var jobId: String?
    /// The segmenter that made the mask.
    public var segmenter: String
    /// Content address of the cutout PNG.
    public var cutoutSHA256: SHA256Digest
    /// Size of the cutout PNG in bytes.
    public var cutoutBytes: Int
    /// Content address of the thumbnail PNG.
    public var thumbnailSHA256: SHA256Digest?
    /// Cutout width in pixels.
    public var width: Int
    /// Cutout height in pixels.
    public var height: Int
    /// Box in the source image.
    public var box: PixelBox?
    /// Mask area / source image area.
    public var areaRatio: Double?
    /// CLIP score of the cutout.
    public var clipScore: Double?
    /// Status.
    public var status: InstanceStatus
    /// Why it was accepted or rejected.
    public var reason: String?
    /// Who decided.
    public var decidedBy: Decider?
    /// When the status was last decided.
    public var decidedAt: Date?
    /// When it was recorded.
    public var createdAt: Date

    /// A value with every field given (drivers build these from their rows).
    public init(
        id: Int64, sourceId: Int64, categoryId: Int64, sourceKind: SourceKind, jobId: String?, segmenter: String,
        cutoutSHA256: SHA256Digest, cutoutBytes: Int, thumbnailSHA256: SHA256Digest?, width: Int, height: Int,
        box: PixelBox?, areaRatio: Double?, clipScore: Double?, status: InstanceStatus, reason: String?,
        decidedBy: Decider?, decidedAt: Date?, createdAt: Date
    ) {
        self.id = id
        self.sourceId = sourceId
        self.categoryId = categoryId
        self.sourceKind = sourceKind
        self.jobId = jobId
        self.segmenter = segmenter
        self.cutoutSHA256 = cutoutSHA256
        self.cutoutBytes = cutoutBytes
        self.thumbnailSHA256 = thumbnailSHA256
        self.width = width
        self.height = height
        self.box = box
        self.areaRatio = areaRatio
        self.clipScore = clipScore
        self.status = status
        self.reason = reason
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.createdAt = createdAt
    }
}
