/// LVIS's per-image federated labels, kept true after pasting.
///
/// LVIS annotates each image only for some categories: `neg_category_ids` were verified absent,
/// annotated ("positive") categories were checked present, and `not_exhaustive_category_ids`
/// were present with some instances left unannotated. Pasting changes what is in the image, so:
/// - a category visible after pasting is never negative;
/// - a pasted category the background was not verified for (neither positive nor negative) may
///   also have unannotated instances in the background: it becomes not exhaustive;
/// - an object dropped by the occlusion rule leaves an unannotated remnant when pixels of it are
///   still visible: its category becomes not exhaustive;
/// - a positive, exhaustively annotated category whose every instance ended fully covered is now
///   verified absent: it becomes negative;
/// - categories already not exhaustive stay so (unannotated instances of them may still show).
public struct FederatedLabels: Sendable, Hashable, Codable {
    /// Verified-absent categories, ascending.
    public var negative: [Int]
    /// Categories with unannotated instances, ascending.
    public var notExhaustive: [Int]

    /// Creates labels.
    public init(negative: [Int], notExhaustive: [Int]) {
        self.negative = negative
        self.notExhaustive = notExhaustive
    }

    /// What the background said before pasting.
    public struct Background: Sendable, Hashable {
        /// Categories with annotations on the background (kept in the output).
        public var positive: Set<Int>
        /// Verified-absent categories.
        public var negative: Set<Int>
        /// Not-exhaustively annotated categories.
        public var notExhaustive: Set<Int>
        /// Present on the background but not annotated in the output (the background annotations
        /// were discarded): such categories can only be not exhaustive.
        public var unannotatedPresent: Set<Int>

        /// A background nobody labelled (a plain image folder, a generated background).
        public static let unlabelled = Background(positive: [], negative: [], notExhaustive: [], unannotatedPresent: [])

        /// Creates a background label set.
        public init(positive: Set<Int>, negative: Set<Int>, notExhaustive: Set<Int>, unannotatedPresent: Set<Int> = []) {
            self.positive = positive
            self.negative = negative
            self.notExhaustive = notExhaustive
            self.unannotatedPresent = unannotatedPresent
        }
    }

    /// The labels after pasting.
    /// - Parameters:
    ///   - background: the background's labels.
    ///   - visible: categories of the annotations in the output image.
    ///   - pasted: categories of pasted objects that are annotated in the output.
    ///   - remnants: categories of dropped objects with visible pixels left.
    public static func after(background: Background, visible: Set<Int>, pasted: Set<Int>, remnants: Set<Int>) -> FederatedLabels {
        let verified = background.positive.union(background.negative)
        let present = visible.union(remnants)
        var notExhaustive = background.notExhaustive.union(background.unannotatedPresent).union(remnants)
        notExhaustive.formUnion(pasted.subtracting(verified))
        // Positive, exhaustive, and nothing of it left: verified absent now.
        let vanished = background.positive.subtracting(background.notExhaustive).subtracting(present)
        let negative = background.negative.union(vanished).subtracting(present).subtracting(notExhaustive)
        return FederatedLabels(negative: negative.sorted(), notExhaustive: notExhaustive.sorted())
    }
}
