/// The stages a pipeline can name. Each has one runner type and one parameter type.
public enum StageKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Record images from a server-side folder (and those uploaded through the API) as sources.
    case ingest
    /// Crawl web images of each category (the crawler issue).
    case crawl
    /// Draw images of each category with a text-to-image model (the generator issue).
    case generate
    /// Cut objects out of pending sources.
    case extract
    /// Keep the cutouts CLIP agrees with (X-Paste's per-category rule).
    case filter
    /// Paste bank instances onto backgrounds and write an LVIS/COCO dataset.
    case composite
    /// Download models a job needs (added by the service for `pull_missing`; not for pipeline files).
    case models
}
