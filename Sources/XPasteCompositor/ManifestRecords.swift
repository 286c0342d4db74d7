import XPasteLVIS

/// The manifest record of one annotation: where it came from.
struct AnnotationProvenance: Sendable, Codable {
    var id = 0
    var imageID: Int
    var origin: String
    var instanceID: Int64?
    var pasteIndex: Int?
    var backgroundAnnotationID: Int?

    enum CodingKeys: String, CodingKey {
        case id, origin
        case imageID = "image_id"
        case instanceID = "instance_id"
        case pasteIndex = "paste_index"
        case backgroundAnnotationID = "background_annotation_id"
    }
}

/// The manifest record of one image.
struct ImageRecord: Sendable, Codable {
    var id: Int
    var fileName: String
    var background: [String: String]
    var pasted: Int
    var planned: Int

    enum CodingKeys: String, CodingKey {
        case id, background, pasted, planned
        case fileName = "file_name"
    }
}

/// The pool as the manifest records it: per output category, its size statistic, where that came
/// from, and the instance ids.
struct PoolDescription: Encodable {
    struct Category: Encodable {
        var id: Int
        var mean: Double
        var std: Double
        var sizeOrigin: String
        var instances: [Int64]

        enum CodingKeys: String, CodingKey {
            case id, mean, std, instances
            case sizeOrigin = "size_origin"
        }
    }

    var categories: [Category]

    init(_ pool: InstancePool) {
        categories = pool.categories.map {
            Category(id: $0.id, mean: $0.size.mean, std: $0.size.std, sizeOrigin: $0.sizeOrigin.rawValue, instances: $0.instances)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(categories)
    }
}
