import Foundation
import XPasteImage

/// A cutout to record: the RGBA PNG cropped to the object, what it was cut from, and the filter's
/// verdict if there already is one.
public struct NewInstance: Sendable {
    /// The source image it was cut from.
    public var sourceId: Int64
    /// Its category.
    public var categoryId: Int64
    /// The segmenter that made the mask (`u2net`, `isnet-general-use`, `import`, …).
    public var segmenter: String
    /// The cutout: 8-bit RGBA PNG, alpha = soft mask, cropped to the object.
    public var cutout: PNGBlob
    /// A small PNG for browsing, when the caller made one.
    public var thumbnail: PNGBlob?
    /// The cutout's box in the source image.
    public var box: PixelBox?
    /// Mask area divided by source image area.
    public var areaRatio: Double?
    /// CLIP score of the cutout (100 × cosine).
    public var clipScore: Double?
    /// Status to record it with.
    public var status: InstanceStatus
    /// Why it was accepted or rejected.
    public var reason: String?
    /// Who decided, with a status other than pending.
    public var decidedBy: Decider?
    /// The job that made it; nil means the source's job.
    public var jobId: String?
    /// When it was made; nil means now.
    public var createdAt: Date?

    /// Creates an instance record.
    public init(
        sourceId: Int64, categoryId: Int64, segmenter: String, cutout: PNGBlob, thumbnail: PNGBlob? = nil,
        box: PixelBox? = nil, areaRatio: Double? = nil, clipScore: Double? = nil, status: InstanceStatus = .pending,
        reason: String? = nil, decidedBy: Decider? = nil, jobId: String? = nil, createdAt: Date? = nil
    ) {
        self.sourceId = sourceId
        self.categoryId = categoryId
        self.segmenter = segmenter
        self.cutout = cutout
        self.thumbnail = thumbnail
        self.box = box
        self.areaRatio = areaRatio
        self.clipScore = clipScore
        self.status = status
        self.reason = reason
        self.decidedBy = decidedBy
        self.jobId = jobId
        self.createdAt = createdAt
    }
}
