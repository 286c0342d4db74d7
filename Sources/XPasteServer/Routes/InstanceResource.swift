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
    /// The source's provenance (prompt, seed, model; or URL, licence, author): set on the
    /// single-instance resource only, so browse pages stay lean.
    public var provenance: SourceProvenance?

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

extension InstanceResource {
    /// Writes this instance as the API's JSON (the same members and order `APIJSON.encoder`
    /// writes; tests compare the two).
    func write(to w: inout JSONWriter) {
        w.beginObject()
        if let areaRatio { w.key("area_ratio"); w.double(areaRatio) }
        if let box {
            w.key("box")
            w.beginObject()
            w.key("height"); w.int(box.height)
            w.key("width"); w.int(box.width)
            w.key("x"); w.int(box.x)
            w.key("y"); w.int(box.y)
            w.endObject()
        }
        w.key("category_id"); w.int(categoryId)
        if let categoryName { w.key("category_name"); w.string(categoryName) }
        if let clipScore { w.key("clip_score"); w.double(clipScore) }
        w.key("created_at"); w.date(createdAt)
        w.key("cutout_sha256"); w.string(cutoutSha256)
        w.key("cutout_url"); w.string(cutoutUrl)
        if let decidedAt { w.key("decided_at"); w.date(decidedAt) }
        if let decidedBy { w.key("decided_by"); w.string(decidedBy) }
        w.key("height"); w.int(height)
        w.key("id"); w.int(id)
        if let jobId { w.key("job_id"); w.string(jobId) }
        w.key("mask_url"); w.string(maskUrl)
        if let reason { w.key("reason"); w.string(reason) }
        w.key("segmenter"); w.string(segmenter)
        w.key("source_id"); w.int(sourceId)
        w.key("source_kind"); w.string(sourceKind)
        w.key("source_url"); w.string(sourceUrl)
        w.key("status"); w.string(status)
        w.key("thumbnail_url"); w.string(thumbnailUrl)
        w.key("width"); w.int(width)
        w.endObject()
    }

    /// A page of instances as the API's JSON: `{"instances": [...], "next_cursor": …}`.
    static func pageJSON(_ instances: [InstanceResource], nextCursor: String?) -> [UInt8] {
        var w = JSONWriter(capacity: 700 * instances.count + 64)
        w.beginObject()
        w.key("instances")
        w.beginArray()
        for i in instances { i.write(to: &w) }
        w.endArray()
        if let nextCursor { w.key("next_cursor"); w.string(nextCursor) }
        w.endObject()
        return w.bytes
    }
}
