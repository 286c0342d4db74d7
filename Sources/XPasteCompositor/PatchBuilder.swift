import XPasteImage

/// A cutout made ready to paste: resized, flipped, rotated, colour-jittered, with the binary mask
/// of the pixels that become the object.
public struct PreparedPatch: Sendable, Hashable {
    /// RGBA pixels, straight alpha; in `.hard` mode the alpha is the mask (0 or 255).
    public var image: Image
    /// Object pixels: alpha ≥ the threshold.
    public var mask: BinaryMask
    /// Column of the patch's left edge in the background (may be negative).
    public var x: Int
    /// Row of the patch's top edge in the background (may be negative).
    public var y: Int
}

/// Turns a planned paste and its cutout into a `PreparedPatch` (X-Paste's `_load_RGBA` after the
/// clean-up, plus the rotation and colour jitter it can add).
enum PatchBuilder {
    /// Nil when X-Paste's size rule skips the paste.
    static func prepare(_ paste: PlannedPaste, cutout: inout CutoutPyramid, imageWidth: Int, imageHeight: Int,
                        parameters p: CompositorParameters) throws(ImageError) -> PreparedPatch? {
        guard let size = paste.targetSize(cutoutWidth: cutout.originalWidth, cutoutHeight: cutout.originalHeight,
                                          imageWidth: imageWidth, imageHeight: imageHeight, minSide: p.minPatchSide) else { return nil }
        // RGBA resizing premultiplies the colour, so the (arbitrary) RGB under transparent pixels
        // does not bleed into the object's edge. `.linear` is X-Paste's path: OpenCV's bilinear on
        // straight RGBA from the full cutout, no halved copies (the cache never trims it then).
        let source = p.resizeFilter == .linear ? cutout.largest : try cutout.source(forWidth: size.width, height: size.height)
        var patch = try source.resized(width: size.width, height: size.height, filter: p.resizeFilter)
        if paste.flip { patch = patch.flippedHorizontally() }
        if paste.rotationDegrees != 0 { patch = CutoutAugment.rotated(patch, degrees: paste.rotationDegrees) }
        if let jitter = paste.colorJitter { CutoutAugment.colorJitter(&patch, jitter) }
        let mask = objectMask(&patch, threshold: p.alphaThreshold, hard: p.blending == .hard)
        // X-Paste places the patch so that its box centre lands on the drawn centre.
        return PreparedPatch(image: patch, mask: mask, x: paste.centerX - patch.width / 2, y: paste.centerY - patch.height / 2)
    }

    /// The largest paste of a `cutoutWidth` × `cutoutHeight` cutout that the size rule allows on
    /// this background: s at its upper clip, the aspect jitter at its widest (for the width) and
    /// narrowest (for the height), and never the background's own size (`targetSize` refuses that).
    /// The cutout cache keeps the level this resizes from, which serves every paste on the image.
    static func largestPaste(cutoutWidth: Int, cutoutHeight: Int, imageWidth: Int, imageHeight: Int,
                             parameters p: CompositorParameters) -> (width: Int, height: Int)? {
        guard cutoutWidth > 0, cutoutHeight > 0, imageWidth > 1, imageHeight > 1 else { return nil }
        let area = p.maxSizeRatio * p.maxSizeRatio * Double(imageWidth) * Double(imageHeight)
        let aspect = Double(cutoutWidth) / Double(cutoutHeight)
        let w = (aspect * (1 + p.aspectJitter) * area).squareRoot().rounded(.up)
        let h = (area / (aspect * (1 - p.aspectJitter))).squareRoot().rounded(.up)
        return (Int(min(w, Double(imageWidth - 1))), Int(min(h, Double(imageHeight - 1))))
    }

    /// The pixels with alpha ≥ `threshold`; with `hard`, the alpha is set to 255 on them and 0
    /// elsewhere in the same pass, so compositing copies exactly the mask.
    static func objectMask(_ patch: inout Image, threshold: UInt8, hard: Bool) -> BinaryMask {
        patch = patch.packed()
        var mask = BinaryMask(width: patch.width, height: patch.height)
        let n = patch.pixelCount
        patch.pixels.withUnsafeMutableBufferPointer { px in
            mask.bits.withUnsafeMutableBufferPointer { bits in
                for i in 0..<n {
                    let on: UInt8 = px[i * 4 + 3] >= threshold ? 1 : 0
                    bits[i] = on
                    if hard { px[i * 4 + 3] = on &* 255 }
                }
            }
        }
        return mask
    }
}
