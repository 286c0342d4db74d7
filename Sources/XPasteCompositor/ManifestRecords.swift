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
    /// Index of the background in its source (0-based).
    var backgroundIndex: Int?
    /// Which of the background's `variants` this image is (0-based).
    var variant: Int?
    /// The large-scale jitter this image got, when the run applies one.
    var lsj: JitterRecord?

    enum CodingKeys: String, CodingKey {
        case id, background, pasted, planned, variant, lsj
        case fileName = "file_name"
        case backgroundIndex = "background_index"
    }
}

/// The manifest record of one image's large-scale jitter: the drawn scale, X-Paste's `img_scale`,
/// the resized size and the crop in it.
struct JitterRecord: Sendable, Codable, Hashable {
    var scale: Double
    var imageScale: Double
    var resized: [Int]
    var crop: [Int]

    enum CodingKeys: String, CodingKey {
        case scale, resized, crop
        case imageScale = "image_scale"
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
