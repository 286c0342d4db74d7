/// What one pass of `LVISReader` saw.
public struct LVISReadSummary: Sendable, Hashable {
    /// Top-level sections present in the file (decoded or skipped).
    public var sectionsPresent: LVISSections = []
    /// Elements per array section present in the file, decoded or skipped.
    public var imageCount = 0
    /// Number of `annotations` elements.
    public var annotationCount = 0
    /// Number of `categories` elements.
    public var categoryCount = 0
    /// Number of `licenses` elements.
    public var licenseCount = 0
    /// Bytes read.
    public var byteCount: Int64 = 0
    /// Top-level section names in file order, e.g. `["info", "annotations", "images", …]`.
    public var sectionOrder: [String] = []

    /// An empty summary.
    public init() {}
}
