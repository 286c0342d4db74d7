extension RLE {
    /// The compressed `counts` string of COCO json, byte-identical to pycocotools
    /// (`mask.encode(…)['counts'].decode()`).
    ///
    /// Each count is written as a little-endian sequence of 5-bit groups, with 0x20 marking "more
    /// groups follow" and 48 added to land in printable ASCII ('0'…'o'). From the fourth count on
    /// the value written is the difference from the count two before (pycocotools' `i > 2`), which
    /// can be negative; the top bit of the last group carries the sign.
    public var compressedCounts: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(counts.count * 2)
        for i in counts.indices {
            var x = Int64(counts[i])
            if i > 2 { x -= Int64(counts[i - 2]) }
            var more = true
            while more {
                var c = UInt8(truncatingIfNeeded: x & 0x1f)
                x >>= 5
                more = (c & 0x10) != 0 ? x != -1 : x != 0
                if more { c |= 0x20 }
                bytes.append(c + 48)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses a compressed COCO counts string (the inverse of `compressedCounts`).
    ///
    /// Throws `.corrupt` when a character is outside '0'…'o', the string ends inside a count, a
    /// count is negative or does not fit 32 bits, and `.invalidGeometry` when the counts do not add
    /// up to `height × width`.
    public init(height: Int, width: Int, compressedCounts: String) throws(ImageError) {
        var counts: [UInt32] = []
        let utf8 = Array(compressedCounts.utf8)
        counts.reserveCapacity(utf8.count)
        var p = 0
        while p < utf8.count {
            var x: Int64 = 0
            var shift: Int64 = 0
            var more = true
            let countStart = p
            while more {
                guard p < utf8.count else {
                    throw ImageError.corrupt("RLE string ends inside the count that starts at character \(countStart)")
                }
                let ch = utf8[p]
                guard ch >= 48, ch < 48 + 64 else {
                    throw ImageError.corrupt("RLE string has character \(Unicode.Scalar(ch)) (byte \(ch)) at \(p); only '0'…'o' are valid")
                }
                guard shift < 60 else {
                    throw ImageError.corrupt("RLE count at character \(countStart) is too long")
                }
                let c = Int64(ch - 48)
                x |= (c & 0x1f) << shift
                more = c & 0x20 != 0
                p += 1
                shift += 5
                if !more && c & 0x10 != 0 { x |= -1 << shift }
            }
            if counts.count > 2 { x += Int64(counts[counts.count - 2]) }
            guard x >= 0, x <= Int64(UInt32.max) else {
                throw ImageError.corrupt("RLE count \(counts.count) decodes to \(x), outside 0…\(UInt32.max)")
            }
            counts.append(UInt32(x))
        }
        try self.init(height: height, width: width, counts: counts)
    }
}

extension RLE: Codable {
    private enum CodingKeys: String, CodingKey {
        case size, counts
    }

    /// Decodes COCO's `{"size": [h, w], "counts": …}` where counts is the compressed string or an
    /// uncompressed array of integers (as COCO crowd annotations store it).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let size = try container.decode([Int].self, forKey: .size)
        guard size.count == 2 else {
            throw DecodingError.dataCorruptedError(forKey: .size, in: container,
                                                   debugDescription: "RLE size must be [height, width], got \(size)")
        }
        if let string = try? container.decode(String.self, forKey: .counts) {
            self = try RLE(height: size[0], width: size[1], compressedCounts: string)
        } else {
            let counts = try container.decode([UInt32].self, forKey: .counts)
            self = try RLE(height: size[0], width: size[1], counts: counts)
        }
    }

    /// Encodes COCO's `{"size": [h, w], "counts": "<compressed string>"}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode([height, width], forKey: .size)
        try container.encode(compressedCounts, forKey: .counts)
    }
}
