// Decoding of each LVIS element straight from the scanner, without an intermediate JSON tree.
// Unknown members are skipped (files carry extra keys); `null` reads as absent for optional
// members; a member given twice keeps its last value, as Python's json does.

extension JSONScanner {
    /// Reads `null` as nil, anything else with `read`.
    @inline(__always)
    mutating func nullable<T>(_ read: (inout JSONScanner) throws -> T) throws -> T? {
        if try skipNull() { return nil }
        return try read(&self)
    }

    /// The optional string member `key` (null reads as nil).
    mutating func optionalString(_ key: StaticString) throws -> String? {
        try field(key) { try $0.nullable { try $0.readString() } }
    }

    /// The optional integer member `key` (null reads as nil).
    mutating func optionalInt(_ key: StaticString) throws -> Int? {
        try field(key) { try $0.nullable { try $0.readInt() } }
    }

    /// The optional integer-list member `key` (null reads as nil).
    mutating func optionalIntArray(_ key: StaticString) throws -> [Int]? {
        try field(key) { try $0.nullable { try $0.readIntArray() } }
    }
}

extension LVISInfo {
    static func decode(_ s: inout JSONScanner) throws -> LVISInfo {
        var info = LVISInfo()
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(first: &first) {
            if key == "description" {
                info.description = try s.optionalString("description")
            } else if key == "url" {
                info.url = try s.optionalString("url")
            } else if key == "version" {
                info.version = try s.field("version") { try $0.nullable { try $0.readStringOrNumberText() } }
            } else if key == "year" {
                info.year = try s.field("year") { try $0.nullable { try $0.readIntOrIntString() } }
            } else if key == "contributor" {
                info.contributor = try s.optionalString("contributor")
            } else if key == "date_created" {
                info.dateCreated = try s.optionalString("date_created")
            } else {
                try s.skipValue()
            }
        }
        return info
    }
}

extension JSONScanner {
    /// `version` is a string in LVIS/COCO but a bare number in some hand-made files.
    mutating func readStringOrNumberText() throws -> String {
        if try peek() == 0x22 { return try readString() }
        let v = try readDouble()
        return v.rounded(.towardZero) == v && v.magnitude < 1e15 ? String(Int(v)) : v.description
    }

    /// `year` is a number in COCO but a string in some files.
    mutating func readIntOrIntString() throws -> Int {
        if try peek() == 0x22 {
            let text = try readString()
            guard let v = Int(text) else { throw invalid("expected a year, found \"\(text)\"") }
            return v
        }
        return try readInt()
    }
}

extension LVISLicense {
    static func decode(_ s: inout JSONScanner) throws -> LVISLicense {
        var id: Int?
        var license = LVISLicense(id: 0)
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(first: &first) {
            if key == "id" {
                id = try s.field("id") { try $0.readInt() }
            } else if key == "name" {
                license.name = try s.optionalString("name")
            } else if key == "url" {
                license.url = try s.optionalString("url")
            } else {
                try s.skipValue()
            }
        }
        guard let id else { throw s.missing("id") }
        license.id = id
        return license
    }
}

extension LVISImage {
    static func decode(_ s: inout JSONScanner) throws -> LVISImage {
        var id: Int?, width: Int?, height: Int?
        var image = LVISImage(id: 0, width: 0, height: 0)
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(first: &first) {
            if key == "id" {
                id = try s.field("id") { try $0.readInt() }
            } else if key == "width" {
                width = try s.field("width") { try $0.readInt() }
            } else if key == "height" {
                height = try s.field("height") { try $0.readInt() }
            } else if key == "coco_url" {
                image.cocoURL = try s.optionalString("coco_url")
            } else if key == "file_name" {
                image.fileName = try s.optionalString("file_name")
            } else if key == "neg_category_ids" {
                image.negCategoryIDs = try s.optionalIntArray("neg_category_ids")
            } else if key == "not_exhaustive_category_ids" {
                image.notExhaustiveCategoryIDs = try s.optionalIntArray("not_exhaustive_category_ids")
            } else if key == "license" {
                image.license = try s.optionalInt("license")
            } else if key == "flickr_url" {
                image.flickrURL = try s.optionalString("flickr_url")
            } else if key == "date_captured" {
                image.dateCaptured = try s.optionalString("date_captured")
            } else {
                try s.skipValue()
            }
        }
        guard let id else { throw s.missing("id") }
        guard let width else { throw s.missing("width") }
        guard let height else { throw s.missing("height") }
        image.id = id
        image.width = width
        image.height = height
        return image
    }
}

extension LVISBox {
    static func decode(_ s: inout JSONScanner) throws -> LVISBox {
        try s.beginArray()
        var v: (Double, Double, Double, Double) = (0, 0, 0, 0)
        var n = 0
        var first = true
        while try s.nextElement(first: &first) {
            let x = try s.element(n) { try $0.readDouble() }
            switch n {
            case 0: v.0 = x
            case 1: v.1 = x
            case 2: v.2 = x
            case 3: v.3 = x
            default: throw s.invalid("a bbox has exactly 4 numbers [x, y, w, h], found more")
            }
            n += 1
        }
        guard n == 4 else { throw s.invalid("a bbox has exactly 4 numbers [x, y, w, h], found \(n)") }
        return LVISBox(x: v.0, y: v.1, width: v.2, height: v.3)
    }
}

extension LVISRLE {
    static func decode(_ s: inout JSONScanner) throws -> LVISRLE {
        var size: [Int]?
        var counts: Counts?
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(first: &first) {
            if key == "size" {
                size = try s.field("size") { s in
                    let v = try s.readIntArray()
                    guard v.count == 2 else { throw s.invalid("size must be [height, width], found \(v.count) numbers") }
                    return v
                }
            } else if key == "counts" {
                counts = try s.field("counts") { s in
                    try s.peek() == 0x22 ? .compressed(try s.readString()) : .uncompressed(try s.readIntArray())
                }
            } else {
                try s.skipValue()
            }
        }
        guard let size else { throw s.missing("size") }
        guard let counts else { throw s.missing("counts") }
        return LVISRLE(height: size[0], width: size[1], counts: counts)
    }
}

extension LVISSegmentation {
    static func decode(_ s: inout JSONScanner) throws -> LVISSegmentation {
        switch try s.peek() {
        case UInt8(ascii: "["):
            try s.beginArray()
            var rings: [[Double]] = []
            var first = true
            while try s.nextElement(first: &first) {
                rings.append(try s.element(rings.count) { try $0.readDoubleArray() })
            }
            return .polygons(rings)
        case UInt8(ascii: "{"):
            return .rle(try LVISRLE.decode(&s))
        default:
            throw s.invalid("segmentation must be a list of polygons or an RLE object, found \(s.describeNext())")
        }
    }
}

extension LVISAnnotation {
    static func decode(_ s: inout JSONScanner) throws -> LVISAnnotation {
        var id: Int?, imageID: Int?, categoryID: Int?, area: Double?
        var segmentation: LVISSegmentation?
        var bbox: LVISBox?
        var isCrowd: Int?
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(first: &first) {
            if key == "segmentation" {
                segmentation = try s.field("segmentation") { try LVISSegmentation.decode(&$0) }
            } else if key == "bbox" {
                bbox = try s.field("bbox") { try LVISBox.decode(&$0) }
            } else if key == "id" {
                id = try s.field("id") { try $0.readInt() }
            } else if key == "image_id" {
                imageID = try s.field("image_id") { try $0.readInt() }
            } else if key == "category_id" {
                categoryID = try s.field("category_id") { try $0.readInt() }
            } else if key == "area" {
                area = try s.field("area") { try $0.readDouble() }
            } else if key == "iscrowd" {
                isCrowd = try s.field("iscrowd") { s in
                    if try s.skipNull() { return nil }
                    // Some writers emit booleans here.
                    if let b = try s.peek(), b == UInt8(ascii: "t") || b == UInt8(ascii: "f") {
                        return try s.readBool() ? 1 : 0
                    }
                    return try s.readInt()
                }
            } else {
                try s.skipValue()
            }
        }
        guard let id else { throw s.missing("id") }
        guard let imageID else { throw s.missing("image_id") }
        guard let categoryID else { throw s.missing("category_id") }
        guard let segmentation else { throw s.missing("segmentation") }
        guard let area else { throw s.missing("area") }
        guard let bbox else { throw s.missing("bbox") }
        return LVISAnnotation(
            id: id, imageID: imageID, categoryID: categoryID, segmentation: segmentation, area: area,
            bbox: bbox, isCrowd: isCrowd
        )
    }
}

extension LVISCategory {
    static func decode(_ s: inout JSONScanner) throws -> LVISCategory {
        var id: Int?
        var name: String?
        var category = LVISCategory(id: 0, name: "")
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(first: &first) {
            if key == "id" {
                id = try s.field("id") { try $0.readInt() }
            } else if key == "name" {
                name = try s.field("name") { try $0.readString() }
            } else if key == "synset" {
                category.synset = try s.optionalString("synset")
            } else if key == "synonyms" {
                category.synonyms = try s.field("synonyms") { try $0.nullable { try $0.readStringArray() } }
            } else if key == "def" {
                category.definition = try s.optionalString("def")
            } else if key == "frequency" {
                category.frequency = try s.field("frequency") { s in
                    try s.nullable { s in
                        let text = try s.readString()
                        guard let f = LVISFrequency(rawValue: text) else {
                            throw s.invalid("frequency must be \"r\", \"c\" or \"f\", found \"\(text)\"")
                        }
                        return f
                    }
                }
            } else if key == "image_count" {
                category.imageCount = try s.optionalInt("image_count")
            } else if key == "instance_count" {
                category.instanceCount = try s.optionalInt("instance_count")
            } else if key == "supercategory" {
                category.supercategory = try s.optionalString("supercategory")
            } else {
                try s.skipValue()
            }
        }
        guard let id else { throw s.missing("id") }
        guard let name else { throw s.missing("name") }
        category.id = id
        category.name = name
        return category
    }
}
