import XPasteImage

// Bridges between the json model and XPasteImage's masks, so that what xpaste writes is exactly
// what pycocotools' `annToMask` (and therefore every training loader) will read back.

extension LVISRLE {
    /// The compressed json form of `rle` (byte-identical to pycocotools `mask.encode`).
    public init(_ rle: RLE) {
        self.init(height: rle.height, width: rle.width, counts: .compressed(rle.compressedCounts))
    }

    /// The mask's runs as an `RLE`. Throws `ImageError` if the counts are malformed or do not
    /// cover `height × width` pixels.
    public func decoded() throws(ImageError) -> RLE {
        switch counts {
        case .compressed(let text):
            return try RLE(height: height, width: width, compressedCounts: text)
        case .uncompressed(let runs):
            guard runs.allSatisfy({ $0 >= 0 && $0 <= Int(UInt32.max) }) else {
                throw ImageError.corrupt("RLE counts must be non-negative 32-bit integers")
            }
            return try RLE(height: height, width: width, counts: runs.map { UInt32($0) })
        }
    }
}

extension LVISSegmentation {
    /// The mask this segmentation stands for on a `height × width` image, as pycocotools
    /// `annToRLE` computes it (polygons rasterised and merged exactly like `frPyObjects`).
    public func mask(height: Int, width: Int) throws(ImageError) -> RLE {
        switch self {
        case .polygons(let rings):
            return try RLE(polygons: rings, height: height, width: width)
        case .rle(let rle):
            return try rle.decoded()
        }
    }
}

extension LVISAnnotation {
    /// How to store a mask in `segmentation`.
    public enum MaskFormat: Sendable, Hashable {
        /// Outer-boundary polygons in pixel-corner coordinates, simplified with Douglas–Peucker at
        /// `tolerance` pixels (0 keeps every corner). What detectron2's LVIS loader requires;
        /// holes are filled (COCO polygons cannot express them).
        case polygons(tolerance: Double)
        /// Compressed COCO RLE: exact, holes included.
        case rle
    }

    /// An annotation of `mask` (the full image's mask) with `segmentation`, `area` and `bbox`
    /// derived from the stored segmentation as pycocotools reads it back: `area` is the number of
    /// pixels `annToMask` returns and `bbox` their bounding box (pycocotools `toBbox`).
    ///
    /// Throws `LVISError.invalid` when the mask is empty (no loader accepts an empty instance).
    public init(id: Int, imageID: Int, categoryID: Int, mask: BinaryMask, format: MaskFormat = .polygons(tolerance: 0)) throws {
        let segmentation: LVISSegmentation
        let stored: RLE
        switch format {
        case .rle:
            stored = RLE(encoding: mask)
            segmentation = .rle(LVISRLE(stored))
        case .polygons(let tolerance):
            let rings = mask.cocoPolygons(tolerance: tolerance)
            segmentation = .polygons(rings)
            stored = try RLE(polygons: rings, height: mask.height, width: mask.width)
        }
        guard stored.area > 0 else {
            throw LVISError.invalid([LVISViolation(
                code: .annotationSegmentationEmpty, severity: .error, path: "$",
                message: "the mask of annotation \(id) is empty"
            )])
        }
        let box = stored.cocoBox
        self.init(
            id: id, imageID: imageID, categoryID: categoryID, segmentation: segmentation, area: Double(stored.area),
            bbox: LVISBox(x: box[0], y: box[1], width: box[2], height: box[3])
        )
    }
}
