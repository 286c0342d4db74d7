import Foundation

/// A whole LVIS/COCO instance file in memory. Fine for validation sets, vocabularies and tests;
/// for the 1 GB training files, stream with `LVISReader` and `LVISWriter` instead.
public struct LVISDataset: Codable, Sendable, Hashable {
    /// `info`.
    public var info: LVISInfo
    /// `licenses`.
    public var licenses: [LVISLicense]
    /// `images`.
    public var images: [LVISImage]
    /// `annotations`.
    public var annotations: [LVISAnnotation]
    /// `categories`.
    public var categories: [LVISCategory]

    /// A dataset.
    public init(
        info: LVISInfo = LVISInfo(), licenses: [LVISLicense] = [], images: [LVISImage] = [],
        annotations: [LVISAnnotation] = [], categories: [LVISCategory] = []
    ) {
        self.info = info
        self.licenses = licenses
        self.images = images
        self.annotations = annotations
        self.categories = categories
    }

    /// Loads the file at `url` with the streaming reader (much faster than `JSONDecoder`).
    public init(contentsOf url: URL) throws {
        self.init()
        var collector = Collector()
        try LVISReader(url: url).read(into: &collector)
        self = collector.dataset
    }

    /// Decodes JSON text with the streaming reader.
    public init(jsonBytes: some Collection<UInt8>) throws {
        self.init()
        var collector = Collector()
        try LVISReader(bytes: jsonBytes).read(into: &collector)
        self = collector.dataset
    }

    /// The dataset as compact JSON text, in the same form `LVISWriter` produces.
    public func jsonData() throws -> Data {
        var out = JSONOutput(reservingCapacity: 1 << 16)
        out.byte(0x7B)
        var first = true
        out.key("info", first: &first)
        info.write(to: &out)
        out.key("licenses", first: &first)
        writeArray(licenses, to: &out) { $0.write(to: &$1) }
        out.key("images", first: &first)
        writeArray(images, to: &out) { $0.write(to: &$1) }
        out.key("annotations", first: &first)
        writeArray(annotations, to: &out) { $0.write(to: &$1) }
        out.key("categories", first: &first)
        writeArray(categories, to: &out) { $0.write(to: &$1) }
        out.byte(0x7D)
        if out.sawNonFinite {
            throw LVISError.invalid([
                LVISViolation(code: .annotationNonFinite, severity: .error, path: "$", message: "NaN or infinite numbers cannot be written as JSON"),
            ])
        }
        return Data(out.bytes)
    }

    /// Writes the dataset to `url` atomically (validated like `LVISWriter` does).
    public func write(to url: URL, options: LVISWriter.Options = LVISWriter.Options()) throws {
        let writer = try LVISWriter(url: url, info: info, licenses: licenses, options: options)
        for image in images { try writer.append(image) }
        for annotation in annotations { try writer.append(annotation) }
        try writer.finish(categories: categories)
    }

    private func writeArray<T>(_ items: [T], to out: inout JSONOutput, _ write: (T, inout JSONOutput) -> Void) {
        out.byte(0x5B)
        for (i, item) in items.enumerated() {
            if i > 0 { out.comma() }
            write(item, &out)
        }
        out.byte(0x5D)
    }

    private struct Collector: LVISVisitor {
        var dataset = LVISDataset()
        mutating func visit(info: LVISInfo) { dataset.info = info }
        mutating func visit(license: LVISLicense, index: Int) { dataset.licenses.append(license) }
        mutating func visit(image: LVISImage, index: Int) { dataset.images.append(image) }
        mutating func visit(annotation: LVISAnnotation, index: Int) { dataset.annotations.append(annotation) }
        mutating func visit(category: LVISCategory, index: Int) { dataset.categories.append(category) }
    }
}
