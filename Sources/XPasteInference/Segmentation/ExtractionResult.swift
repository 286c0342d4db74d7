import XPasteImage

/// What the extractor made of one image: every segmenter's numbers (X-Paste's per-method CLIP
/// score and mask area) and, when some segmenter found an object, the winner's cleaned-up cutout.
public struct ExtractionResult: Sendable, Hashable {
    /// One segmenter's attempt on the image.
    public struct Candidate: Sendable, Hashable {
        /// The segmenter's name.
        public let segmenter: String
        /// Pixels of its mask above the threshold (before any clean-up), X-Paste's mask area.
        public let maskArea: Int
        /// CLIP score (100 × cosine) of the image cut by its binarised mask onto the background
        /// colour, against the category's prompt; nil when its mask is empty or nothing scores.
        public let score: Float?

        /// A candidate's numbers.
        public init(segmenter: String, maskArea: Int, score: Float?) {
            self.segmenter = segmenter
            self.maskArea = maskArea
            self.score = score
        }
    }

    /// Every segmenter's attempt, in the extractor's segmenter order.
    public let candidates: [Candidate]
    /// Index of the winning candidate: the best score (the first on a tie), or without a scorer
    /// the first non-empty mask; nil when every mask was empty.
    public let winner: Int?
    /// The winner's soft mask, the image's size.
    public let mask: Mask?
    /// The winner's cutout after X-Paste's clean-up.
    public let object: ObjectCutout?

    /// The winning segmenter's name.
    public var segmenter: String? { winner.map { candidates[$0].segmenter } }
    /// The winning segmenter's score.
    public var score: Float? { winner.flatMap { candidates[$0].score } }
    /// The winner's raw mask area over the image's pixel count (X-Paste's `mask_area`: every
    /// component above the threshold, before the clean-up), which the filter's area bounds judge.
    public var areaRatio: Double? {
        guard let winner, let mask, mask.width > 0, mask.height > 0 else { return nil }
        return Double(candidates[winner].maskArea) / Double(mask.width * mask.height)
    }
}
