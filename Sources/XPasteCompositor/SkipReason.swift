/// Why a run left an input out. A bad background or annotation is skipped rather than aborting the
/// run (or, worse, being written with misaligned labels); every skip is counted by reason in the
/// summary and the manifest, warned about once per reason, and the run fails only past the user's
/// `maxSkipped`.
///
/// The raw values are stable codes (they key the manifest's `skipped` counts).
public enum SkipReason: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// The background image file was not found under the image root.
    case backgroundMissing = "background_missing"
    /// The background file could not be decoded (truncated, corrupt, over the decode limits).
    case backgroundUnreadable = "background_unreadable"
    /// The image on disk has another aspect ratio than the annotation file says (e.g. EXIF
    /// rotation the file did not account for): its labels cannot be placed, so the image is skipped.
    case sizeMismatch = "background_size_mismatch"
    /// One of the background's annotations has an unusable segmentation (corrupt RLE, RLE of
    /// another size, a polygon ring with an odd or too small count): the image is skipped, since
    /// keeping it without that label would teach a present object as background.
    case invalidSegmentation = "annotation_invalid_segmentation"
    /// One of the background's annotations names a category the file does not list.
    case unknownCategory = "annotation_unknown_category"
    /// An annotation names an image id the file does not list (nothing to paste on; counted once
    /// when the file is read).
    case unknownImage = "annotation_unknown_image"

    /// Orders by code, so reports list reasons in a fixed order.
    public static func < (a: SkipReason, b: SkipReason) -> Bool { a.rawValue < b.rawValue }

    /// What is skipped for this reason: a whole output image, or one annotation of the input file.
    public var skipsImage: Bool { self != .unknownImage }
}
