/// How a source image entered the bank.
public enum SourceKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Fetched from the web by the crawler.
    case crawled
    /// Made by the text-to-image model.
    case generated
    /// Given by a user (single upload, folder or pool import, COCO/LVIS import).
    case uploaded
    /// A background image for composition rather than a source of cutouts.
    case background
}
