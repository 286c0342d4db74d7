import Foundation
import XPasteBank
import XPasteImage

/// An instance as the API shows it: the bank's record plus the URLs of its images.
public struct InstanceResource: Sendable, Encodable {
    public var id: Int64
    public var sourceId: Int64
    public var categoryId: Int64
    public var categoryName: String?
    public var sourceKind: String
    public var jobId: String?
    public var segmenter: String
    public var width: Int
    public var height: Int
    public var box: PixelBox?
    public var areaRatio: Double?
    public var clipScore: Double?
    public var status: String
    public var reason: String?
    public var decidedBy: String?
    public var decidedAt: Date?
    public var createdAt: Date
    public var cutoutSha256: String
    public var cutoutUrl: String
    public var thumbnailUrl: String
    public var sourceUrl: String
    public var maskUrl: String

    /// The resource for a bank instance.
    public init(_ i: BankInstance, categoryName: String?) {
        id = i.id
        sourceId = i.sourceId
        categoryId = i.categoryId
        self.categoryName = categoryName
        sourceKind = i.sourceKind.rawValue
        jobId = i.jobId
        segmenter = i.segmenter
        width = i.width
        height = i.height
        box = i.box
        areaRatio = i.areaRatio
        clipScore = i.clipScore
        status = i.status.rawValue
        reason = i.reason
        decidedBy = i.decidedBy?.rawValue
        decidedAt = i.decidedAt
        createdAt = i.createdAt
        cutoutSha256 = i.cutoutSHA256.hex
        cutoutUrl = "/v1/instances/\(i.id)/cutout.png"
        thumbnailUrl = "/v1/instances/\(i.id)/thumbnail.png"
        sourceUrl = "/v1/instances/\(i.id)/source"
        maskUrl = "/v1/instances/\(i.id)/mask.png"
    }
}
