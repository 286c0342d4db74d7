import XPasteImage

/// Finds the salient object of an image: a soft mask the image's size, 0 for background and 255
/// where the segmenter is sure of the object.
///
/// Segmenters are synchronous and block the calling thread for the whole computation; async callers
/// run them on an `InferenceExecutor` (the `InstanceExtractor` does). They are `Sendable` and keep
/// no per-call state, so one instance serves every task.
public protocol Segmenter: Sendable {
    /// The name recorded with every cutout the segmenter made (`u2net`, `isnet-general-use`,
    /// `classical`, …).
    var name: String { get }

    /// The soft object mask of each image, in order, each the size of its image.
    func segment(_ images: [Image]) throws(InferenceError) -> [Mask]
}

extension Segmenter {
    /// The soft object mask of one image, the image's size.
    public func segment(_ image: Image) throws(InferenceError) -> Mask {
        try segment([image])[0]
    }
}
