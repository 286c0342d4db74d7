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

    /// The run lengths, decoding the compressed form; nil if the text is not valid COCO RLE.
    public var runLengths: [Int]? {
        switch counts {
        case .uncompressed(let runs): runs
        case .compressed(let text): Self.decodeCounts(text)
        }
    }

    /// Decodes pycocotools' compressed counts (`rleFrString`): each count in 5-bit groups plus a
    /// continuation bit, offset by 48; from the third count on, the difference from the count two
    /// before. Returns nil on malformed text.
    public static func decodeCounts(_ text: String) -> [Int]? {
        var runs: [Int] = []
        var utf8 = text.utf8.makeIterator()
        var pending = utf8.next()
        while let first = pending {
            var x = 0
            var k = 0
            var more = true
            var c = first
            while more {
                guard c >= 48, c < 48 + 64, k < 12 else { return nil }
                let v = Int(c) - 48
                x |= (v & 0x1F) << (5 * k)
                more = v & 0x20 != 0
                k += 1
                if more {
                    guard let next = utf8.next() else { return nil }
                    c = next
                } else if v & 0x10 != 0 {
                    // Sign-extend the last group.
                    x |= -1 << (5 * k)
                }
            }
            if runs.count > 2 { x += runs[runs.count - 2] }
            runs.append(x)
            pending = utf8.next()
        }
        return runs
    }
}
