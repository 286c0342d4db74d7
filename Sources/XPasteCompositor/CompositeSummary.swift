/// Counts of what a run made and dropped; deterministic for a given seed, bank and parameters
/// (the manifest records them).
public struct CompositeCounts: Sendable, Hashable, Codable {
    /// Images written.
    public var images = 0
    /// Annotations written.
    public var annotations = 0
    /// Of which pasted objects.
    public var pastedAnnotations = 0
    /// Of which background annotations kept (possibly occluded).
    public var backgroundAnnotations = 0
    /// Pastes drawn.
    public var pastesPlanned = 0
    /// Pastes skipped by the size rule.
    public var skippedSize = 0
    /// Pastes skipped because the cutout was unusable.
    public var skippedCutout = 0
    /// Pastes whose resized mask was empty.
    public var emptyMask = 0
    /// Objects dropped by the occlusion rule.
    public var droppedOccluded = 0
    /// Objects dropped as smaller than the minimum area.
    public var droppedSmall = 0
    /// Inputs left out, by `SkipReason` code (whole output images, or input annotations naming an
    /// unknown image).
    public var skipped: [String: Int] = [:]
    /// Backgrounds whose annotations were scaled to the image on disk (same aspect, other size).
    public var backgroundsRescaled = 0

    /// All skips together.
    public var skippedTotal: Int { skipped.values.reduce(0, +) }

    /// No counts yet.
    public init() {}

    /// Adds another image's (or run's) counts.
    public mutating func add(_ other: CompositeCounts) {
        images += other.images
        annotations += other.annotations
        pastedAnnotations += other.pastedAnnotations
        backgroundAnnotations += other.backgroundAnnotations
        pastesPlanned += other.pastesPlanned
        skippedSize += other.skippedSize
        skippedCutout += other.skippedCutout
        emptyMask += other.emptyMask
        droppedOccluded += other.droppedOccluded
        droppedSmall += other.droppedSmall
        skipped.merge(other.skipped, uniquingKeysWith: +)
        backgroundsRescaled += other.backgroundsRescaled
    }

    enum CodingKeys: String, CodingKey {
        case images, annotations
        case pastedAnnotations = "pasted_annotations"
        case backgroundAnnotations = "background_annotations"
        case pastesPlanned = "pastes_planned"
        case skippedSize = "skipped_size"
        case skippedCutout = "skipped_cutout"
        case emptyMask = "empty_mask"
        case droppedOccluded = "dropped_occluded"
        case droppedSmall = "dropped_small"
        case skipped
        case backgroundsRescaled = "backgrounds_rescaled"
    }
}

/// What a run did: its counts, plus what varies from run to run (time, cache behaviour, paths).
public struct CompositeSummary: Sendable, Hashable {
    /// The counts.
    public var counts = CompositeCounts()
    /// Cutout cache hits.
    public var cacheHits = 0
    /// Cutout cache misses (decodes).
    public var cacheMisses = 0
    /// Wall-clock seconds.
    public var seconds = 0.0
    /// The annotation file.
    public var annotationFile = ""
    /// The manifest.
    public var manifest = ""
    /// How to load the dataset with detectron2 and mmdetection (also in the manifest).
    public var registration: DatasetRegistration?
    /// One line per skip reason met: its code, count and first example.
    public var skipReports: [String] = []
    /// Images taken over from an interrupted run (`resume`).
    public var resumedImages = 0

    /// Output images per second.
    public var imagesPerSecond: Double { seconds > 0 ? Double(counts.images) / seconds : 0 }
}
