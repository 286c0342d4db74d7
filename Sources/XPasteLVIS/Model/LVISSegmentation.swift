/// The `segmentation` of an annotation: polygons (LVIS's form, and the only one detectron2's LVIS
/// loader accepts) or a COCO RLE.
public enum LVISSegmentation: Codable, Sendable, Hashable {
    /// Rings `[x0, y0, x1, y1, …]` in absolute pixels; the mask is their union.
    case polygons([[Double]])
    /// A run-length encoded mask.
    case rle(LVISRLE)

    /// Decodes a list of rings or an RLE object.
    public init(from decoder: any Decoder) throws {
        if let rings = try? decoder.singleValueContainer().decode([[Double]].self) {
            self = .polygons(rings)
        } else {
            self = .rle(try LVISRLE(from: decoder))
        }
    }

    /// Encodes the rings or the RLE object.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .polygons(let rings):
            var c = encoder.singleValueContainer()
            try c.encode(rings)
        case .rle(let rle):
            try rle.encode(to: encoder)
        }
    }
}
