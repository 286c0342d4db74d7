import XPasteImage

/// The objects of one image in z-order, kept true to what is visible as objects are pasted on top.
///
/// Follows X-Paste's `_copy_paste`, one paste at a time: the new object's mask removes pixels from
/// every earlier object (background annotations included), each touched object's box is
/// recomputed from what remains, and the occlusion rule decides whether it stays. Finally objects
/// under the minimum area are dropped.
///
/// The rule, as mmdetection's `CopyPaste` and X-Paste write it: `valid = all(|new_box − old_box|
/// ≤ bbox_occluded_thr) | (mask.sum() > mask_occluded_thr)` — an object is dropped unless every
/// side of its box moved at most 10 px or more than 300 of its pixels remain. Semantics kept, and
/// where this differs from the Python code:
/// - X-Paste pastes one instance per `_copy_paste` call, so `old_box` is the box after the
///   previous paste (mmdetection pastes all objects of its one source image in a single step, so
///   there it is the annotation's box). Kept: the comparison is per paste.
/// - X-Paste's first comparison uses the background annotation's `bbox` field; here every box is
///   the tight box of the rasterised mask (X-Paste's `get_bboxes`), so the rule measures what
///   occlusion moved and not how the annotator's box differs from the polygon.
/// - X-Paste re-evaluates every object on every paste; here an object that loses no pixel is left
///   alone (re-evaluating it could only drop it for the reason above).
/// - An object with no pixel left is always dropped (X-Paste keeps one whose old box lay within
///   10 px of [0, 0, 0, 0], the box `get_bboxes` gives an empty mask).
public struct OcclusionScene: Sendable {
    /// An object that left the scene.
    public struct Removal: Sendable, Hashable {
        /// The object's origin.
        public let origin: ObjectOrigin
        /// Its category.
        public let category: Int
        /// Pixels of it still visible when it was dropped (a non-zero count means an unannotated
        /// remnant of the category stays in the image).
        public let remaining: Int
        /// True when dropped by the final minimum-area rule rather than by an occlusion.
        public let belowMinArea: Bool
    }

    /// Image width.
    public let width: Int
    /// Image height.
    public let height: Int
    /// Occlusion rule: box threshold in pixels.
    public let boxThreshold: Double
    /// Occlusion rule: mask threshold in pixels.
    public let maskThreshold: Int
    /// Visible objects, bottom first.
    public private(set) var objects: [SceneObject] = []
    /// Objects that were dropped, in the order it happened.
    public private(set) var removals: [Removal] = []

    /// An empty scene for a `width` × `height` image.
    public init(width: Int, height: Int, boxThreshold: Double, maskThreshold: Int) {
        self.width = width
        self.height = height
        self.boxThreshold = boxThreshold
        self.maskThreshold = maskThreshold
    }

    /// Places `object` on top. Its mask is clipped to the image first (border clipping); every
    /// earlier object loses the pixels it covers. Returns false when nothing of it is inside the image.
    @discardableResult
    public mutating func place(_ object: SceneObject) -> Bool {
        guard let clipped = clippedToImage(object) else { return false }
        // Mutated in place: a copy of each object would copy its mask on the first write.
        var dropped: [Int] = []
        for i in objects.indices {
            let outcome = objects[i].occlude(by: clipped.mask, at: clipped.frame, boxThreshold: boxThreshold, maskThreshold: maskThreshold)
            if case .dropped(let remaining) = outcome {
                removals.append(Removal(origin: objects[i].origin, category: objects[i].category, remaining: remaining, belowMinArea: false))
                dropped.append(i)
            }
        }
        for i in dropped.reversed() { objects.remove(at: i) }
        objects.append(clipped)
        return true
    }

    /// Adds an object below everything placed so far without occluding anything (used to load a
    /// background's own annotations, which may overlap each other as annotated).
    public mutating func addBackground(_ object: SceneObject) {
        if let clipped = clippedToImage(object) { objects.append(clipped) }
    }

    /// Drops every object with fewer than `minArea` visible pixels.
    public mutating func dropSmall(minArea: Int) {
        objects.removeAll { o in
            guard o.area < minArea else { return false }
            removals.append(Removal(origin: o.origin, category: o.category, remaining: o.area, belowMinArea: true))
            return true
        }
    }

    private func clippedToImage(_ o: SceneObject) -> SceneObject? {
        let image = PixelBox(x: 0, y: 0, width: width, height: height)
        guard let inside = o.frame.intersection(image) else { return nil }
        if inside == o.frame { return o }
        var m = BinaryMask(width: inside.width, height: inside.height)
        o.mask.bits.withUnsafeBufferPointer { src in
            m.bits.withUnsafeMutableBufferPointer { dst in
                for y in 0..<inside.height {
                    let s = (inside.y - o.frame.y + y) * o.frame.width + (inside.x - o.frame.x)
                    for x in 0..<inside.width { dst[y * inside.width + x] = src[s + x] }
                }
            }
        }
        return SceneObject(origin: o.origin, category: o.category, isCrowd: o.isCrowd, mask: m, at: inside.x, inside.y)
    }
}
