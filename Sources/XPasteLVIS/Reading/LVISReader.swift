import Foundation

/// Reads LVIS v1 / COCO instance files of any size with bounded memory.
///
/// The file is read in chunks (`chunkSize`, 1 MiB by default) by a pull tokenizer that decodes
/// the elements of `images`, `annotations`, `categories` and `licenses` one at a time and hands
/// each to an `LVISVisitor`; nothing but the element in hand is kept. Sections left out of
/// `sections` are syntax-checked and skipped without building values. Sections may come in any
/// order (the official LVIS train file has `annotations` before `images`); unknown top-level keys
/// and unknown members are skipped.
///
/// Malformed input fails with `LVISError.malformed`, whose path names the value
/// (`$.annotations[12].bbox`) and whose offset is the byte where reading stopped.
public struct LVISReader: Sendable {
    private enum Source: Sendable {
        case file(String)
        case bytes([UInt8])
    }

    private let source: Source
    /// Bytes read per system call; the buffer only grows past this for a longer single token.
    public var chunkSize: Int

    /// A reader for the file at `url`.
    public init(url: URL, chunkSize: Int = 1 << 20) {
        self.source = .file(url.path)
        self.chunkSize = chunkSize
    }

    /// A reader for JSON text already in memory.
    public init(bytes: some Collection<UInt8>) {
        self.source = .bytes(Array(bytes))
        self.chunkSize = 1 << 20
    }

    /// Decodes the chosen `sections` and passes each element to `visitor`, in file order.
    @discardableResult
    public func read(sections: LVISSections = .all, into visitor: inout some LVISVisitor) throws -> LVISReadSummary {
        var scanner = try makeScanner()
        var summary = LVISReadSummary()
        do {
            try readDataset(&scanner, sections: sections, visitor: &visitor, summary: &summary)
        } catch {
            throw Self.publicError(error)
        }
        summary.byteCount = scanner.offset
        return summary
    }

    /// Closure form of `read(sections:into:)`: each closure that is given turns its section on.
    @discardableResult
    public func read(
        info: ((LVISInfo) throws -> Void)? = nil,
        licenses: ((LVISLicense) throws -> Void)? = nil,
        images: ((LVISImage) throws -> Void)? = nil,
        annotations: ((LVISAnnotation) throws -> Void)? = nil,
        categories: ((LVISCategory) throws -> Void)? = nil
    ) throws -> LVISReadSummary {
        var visitor = ClosureVisitor(
            onInfo: info, onLicense: licenses, onImage: images, onAnnotation: annotations, onCategory: categories
        )
        var sections: LVISSections = []
        if info != nil { sections.insert(.info) }
        if licenses != nil { sections.insert(.licenses) }
        if images != nil { sections.insert(.images) }
        if annotations != nil { sections.insert(.annotations) }
        if categories != nil { sections.insert(.categories) }
        return try read(sections: sections, into: &visitor)
    }

    /// Reads a category list: either a top-level array of categories (the format of
    /// `lvis_v1_categories.json`) or the `categories` of a full dataset file.
    public func readCategories() throws -> [LVISCategory] {
        var scanner = try makeScanner()
        do {
            if try scanner.peek() == UInt8(ascii: "[") {
                var categories: [LVISCategory] = []
                try scanner.beginArray()
                var first = true
                while try scanner.nextElement(first: &first) {
                    categories.append(try scanner.element(categories.count) { try LVISCategory.decode(&$0) })
                }
                try scanner.expectEnd()
                return categories
            }
        } catch {
            throw Self.publicError(error)
        }
        var categories: [LVISCategory] = []
        try read(categories: { categories.append($0) })
        return categories
    }

    /// The error a caller sees: decoding failures as `LVISError`, a visitor's own error unchanged.
    static func publicError(_ error: any Error) -> any Error {
        switch error {
        case let failure as JSONDecodeFailure: failure.lvisError()
        case let syntax as JSONSyntaxError:
            syntax.isIO ? LVISError.io(syntax.message)
                : LVISError.malformed(path: "$", offset: syntax.offset, message: syntax.message)
        case let visitorError as VisitorError: visitorError.underlying
        default: error
        }
    }

    private func makeScanner() throws -> JSONScanner {
        switch source {
        case .bytes(let bytes):
            return JSONScanner(bytes: bytes)
        case .file(let path):
            do {
                return try JSONScanner(path: path, chunkSize: chunkSize)
            } catch {
                throw LVISError.io(error.message)
            }
        }
    }

    private func readDataset(
        _ s: inout JSONScanner, sections: LVISSections, visitor: inout some LVISVisitor, summary: inout LVISReadSummary
    ) throws {
        guard try s.peek() == UInt8(ascii: "{") else {
            throw JSONDecodeFailure(offset: s.offset, message: "an LVIS file is a JSON object, found \(s.describeNext())")
        }
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(first: &first) {
            if key == "images" {
                summary.sectionOrder.append("images")
                summary.sectionsPresent.insert(.images)
                summary.imageCount = try readArray(&s, "images", decode: sections.contains(.images)) { s, i in
                    let image = try s.element(i) { try LVISImage.decode(&$0) }
                    try visitor.visit(image: image, index: i)
                }
            } else if key == "annotations" {
                summary.sectionOrder.append("annotations")
                summary.sectionsPresent.insert(.annotations)
                summary.annotationCount = try readArray(&s, "annotations", decode: sections.contains(.annotations)) { s, i in
                    let annotation = try s.element(i) { try LVISAnnotation.decode(&$0) }
                    try visitor.visit(annotation: annotation, index: i)
                }
            } else if key == "categories" {
                summary.sectionOrder.append("categories")
                summary.sectionsPresent.insert(.categories)
                summary.categoryCount = try readArray(&s, "categories", decode: sections.contains(.categories)) { s, i in
                    let category = try s.element(i) { try LVISCategory.decode(&$0) }
                    try visitor.visit(category: category, index: i)
                }
            } else if key == "licenses" {
                summary.sectionOrder.append("licenses")
                summary.sectionsPresent.insert(.licenses)
                summary.licenseCount = try readArray(&s, "licenses", decode: sections.contains(.licenses)) { s, i in
                    let license = try s.element(i) { try LVISLicense.decode(&$0) }
                    try visitor.visit(license: license, index: i)
                }
            } else if key == "info" {
                summary.sectionOrder.append("info")
                summary.sectionsPresent.insert(.info)
                if sections.contains(.info), try !s.skipNull() {
                    let info = try s.field("info") { try LVISInfo.decode(&$0) }
                    try visitor.visit(info: info)
                } else {
                    try s.field("info") { try $0.skipValue() }
                }
            } else {
                let name = key.string
                summary.sectionOrder.append(name)
                do {
                    try s.skipValue()
                } catch {
                    var f = JSONDecodeFailure(error)
                    f.reversedComponents.append(.key(name))
                    throw f
                }
            }
        }
        try s.expectEnd()
    }

    /// Iterates the array member `name`, decoding elements with `body` or skipping them; returns
    /// the element count.
    private func readArray(
        _ s: inout JSONScanner, _ name: StaticString, decode: Bool,
        _ body: (inout JSONScanner, Int) throws -> Void
    ) throws -> Int {
        try s.field(name) { s in
            var count = 0
            try s.beginArray()
            var first = true
            while try s.nextElement(first: &first) {
                if decode {
                    do {
                        try body(&s, count)
                    } catch let failure as JSONDecodeFailure {
                        throw failure
                    } catch let syntax as JSONSyntaxError {
                        var f = JSONDecodeFailure(syntax)
                        f.reversedComponents.append(.index(count))
                        throw f
                    } catch {
                        // A visitor's own error: leave it untouched for the caller.
                        throw VisitorError(underlying: error)
                    }
                } else {
                    try s.element(count) { try $0.skipValue() }
                }
                count += 1
            }
            return count
        }
    }
}

/// Carries a visitor's error through the decoders' path handling unchanged.
struct VisitorError: Error {
    let underlying: any Error
}

/// Adapts closures to `LVISVisitor`.
private struct ClosureVisitor: LVISVisitor {
    let onInfo: ((LVISInfo) throws -> Void)?
    let onLicense: ((LVISLicense) throws -> Void)?
    let onImage: ((LVISImage) throws -> Void)?
    let onAnnotation: ((LVISAnnotation) throws -> Void)?
    let onCategory: ((LVISCategory) throws -> Void)?

    func visit(info: LVISInfo) throws { try onInfo?(info) }
    func visit(license: LVISLicense, index: Int) throws { try onLicense?(license) }
    func visit(image: LVISImage, index: Int) throws { try onImage?(image) }
    func visit(annotation: LVISAnnotation, index: Int) throws { try onAnnotation?(annotation) }
    func visit(category: LVISCategory, index: Int) throws { try onCategory?(category) }
}
