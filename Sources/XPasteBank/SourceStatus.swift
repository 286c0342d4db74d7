/// Where a source image is in the pipeline.
public enum SourceStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Stored, not yet segmented.
    case pending
    /// Segmentation ran; its cutouts (if any) are instances.
    case extracted
    /// A stage failed on this image; `error` says why.
    case failed
}
