import XPasteImage

/// X-Paste's large-scale jitter (`EfficientDetResizeCrop(size, (min, max))`, detectron2 /
/// CenterNet2's `custom_augmentation_impl.py`), applied to a background before pasting so each
/// output image is one X-Paste training sample: draw a scale U(min, max), resize the image so it
/// fits `size·scale` on both sides (aspect kept, PIL bilinear), then take a random crop of at most
/// `size × size` (no padding: a zoomed-out image stays smaller than `size`, as X-Paste's mapper
/// hands it to the model).
public struct LargeScaleJitter: Sendable, Hashable, Codable {
    /// Crop side in pixels (X-Paste: 640).
    public var size: Int
    /// Smallest scale (X-Paste: 0.1).
    public var minScale: Double
    /// Largest scale (X-Paste: 2.0).
    public var maxScale: Double

    /// A jitter; `validate()` checks the values.
    public init(size: Int = 640, minScale: Double = 0.1, maxScale: Double = 2.0) {
        self.size = size
        self.minScale = minScale
        self.maxScale = maxScale
    }

    /// Parses `SIZE:MIN:MAX` (`640:0.1:2.0`); nil when it is not three numbers.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let size = Int(parts[0]), let lo = Double(parts[1]), let hi = Double(parts[2]) else { return nil }
        self.init(size: size, minScale: lo, maxScale: hi)
    }

    /// Checks the ranges, naming what is wrong.
    public func validate() throws(CompositorError) {
        guard (16...8192).contains(size) else { throw .invalidParameter("lsj size must be in 16…8192, got \(size)") }
        guard minScale.isFinite, maxScale.isFinite, minScale > 0, minScale <= maxScale, maxScale <= 10 else {
            throw .invalidParameter("lsj scales need 0 < min ≤ max ≤ 10, got \(minScale)…\(maxScale)")
        }
    }

    /// The draws of one image, taken in X-Paste's order: the scale, then the y and x offset
    /// fractions.
    public func draw(using rng: inout PasteRandom) -> Draw {
        let scale = rng.uniform(minScale, maxScale)
        let fy = rng.unitInterval(), fx = rng.unitInterval()
        return Draw(size: size, scale: scale, offsetFractionY: fy, offsetFractionX: fx)
    }

    /// One image's jitter, before the image's size is known.
    public struct Draw: Sendable, Hashable {
        /// Crop side.
        public var size: Int
        /// The drawn scale factor.
        public var scale: Double
        /// U(0, 1) that places the crop vertically.
        public var offsetFractionY: Double
        /// U(0, 1) that places the crop horizontally.
        public var offsetFractionX: Double

        /// X-Paste's geometry for a `width × height` image: `imgScale = min(size·scale / h,
        /// size·scale / w)`, the resized size `max(1, int(side · imgScale))`, offsets
        /// `int(max(0, resized − size) · fraction)`, and the crop (the resized image's pixels from the
        /// offsets, at most `size` on each side). A point (x, y) of the image lands at
        /// `(x·imgScale − offsetX, y·imgScale − offsetY)` in the crop (`apply_coords`).
        public func geometry(width: Int, height: Int) -> Geometry {
            let target = Double(size) * scale
            let imgScale = min(target / Double(height), target / Double(width))
            let scaledHeight = max(1, Int(Double(height) * imgScale)), scaledWidth = max(1, Int(Double(width) * imgScale))
            let offsetY = Int(Double(max(0, scaledHeight - size)) * offsetFractionY)
            let offsetX = Int(Double(max(0, scaledWidth - size)) * offsetFractionX)
            let crop = PixelBox(x: offsetX, y: offsetY, width: min(scaledWidth, offsetX + size) - offsetX,
                                    height: min(scaledHeight, offsetY + size) - offsetY)
            return Geometry(scale: scale, imageScale: imgScale, scaledWidth: scaledWidth, scaledHeight: scaledHeight, crop: crop)
        }
    }

    /// Where one image goes under the jitter.
    public struct Geometry: Sendable, Hashable {
        /// The drawn scale factor.
        public var scale: Double
        /// X-Paste's `img_scale`: coordinates are multiplied by it.
        public var imageScale: Double
        /// Width of the resized image.
        public var scaledWidth: Int
        /// Height of the resized image.
        public var scaledHeight: Int
        /// The crop in the resized image (its origin is subtracted from coordinates).
        public var crop: PixelBox
    }
}
