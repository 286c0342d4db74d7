/// A COCO run-length encoded mask: column-major runs starting with background, `size` = [h, w].
public struct LVISRLE: Codable, Sendable, Hashable {
    /// The run lengths, as pycocotools writes them.
    public enum Counts: Sendable, Hashable {
        /// The compressed text form (`counts` is a str): what `pycocotools.mask.encode` produces.
        case compressed(String)
        /// Plain run lengths (`counts` is a list of ints), as in COCO crowd annotations.
        case uncompressed([Int])
    }

    /// Mask height (`size[0]`).
    public var height: Int
    /// Mask width (`size[1]`).
    public var width: Int
    /// The runs.
    public var counts: Counts

    /// An RLE of a `height` × `width` mask.
    public init(height: Int, width: Int, counts: Counts) {
        self.height = height
        self.width = width
        self.counts = counts
    }

    enum CodingKeys: String, CodingKey {
        case size, counts
    }

    /// Decodes `{"size": [h, w], "counts": str | [int]}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let size = try c.decode([Int].self, forKey: .size)
        guard size.count == 2 else {
            throw DecodingError.dataCorruptedError(forKey: .size, in: c, debugDescription: "size must be [height, width]")
        }
        height = size[0]
        width = size[1]
        if let text = try? c.decode(String.self, forKey: .counts) {
            counts = .compressed(text)
        } else {
            counts = .uncompressed(try c.decode([Int].self, forKey: .counts))
        }
    }

    /// Encodes `{"size": [h, w], "counts": …}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode([height, width], forKey: .size)
        switch counts {
        case .compressed(let text): try c.encode(text, forKey: .counts)
        case .uncompressed(let runs): try c.encode(runs, forKey: .counts)
        }
    }
}
