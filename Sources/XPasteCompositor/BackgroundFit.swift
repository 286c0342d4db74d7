import XPasteImage

/// How a background's pixels (and, with them, its annotations) are brought to the size pasted on.
public enum BackgroundFit: Sendable, Hashable {
    /// As decoded.
    case original
    /// Downsized with pixel-area averaging so the longer side is at most this.
    case maxSide(Int)
    /// X-Paste's large-scale jitter for this image (`LargeScaleJitter.Draw`): resized with PIL's
    /// bilinear filter, then cropped.
    case jitter(LargeScaleJitter.Draw)

    /// What the fit does to coordinates of the decoded image: a point (x, y) lands at
    /// `(x·sx − offsetX, y·sy − offsetY)`; a bitmap is resized (nearest) to
    /// `resizedWidth × resizedHeight` and cropped to `crop`.
    struct Transform: Sendable, Hashable {
        var sx: Double
        var sy: Double
        var offsetX: Int
        var offsetY: Int
        var resizedWidth: Int
        var resizedHeight: Int
        var crop: PixelBox
        /// The jitter's geometry, for `.jitter`.
        var jitter: LargeScaleJitter.Geometry?
    }

    /// `image` as RGB (transparency flattened onto white) brought to this fit, with the transform
    /// it applied.
    func apply(to image: Image, context: String) throws(CompositorError) -> (image: Image, transform: Transform) {
        var rgb = image
        let w = image.width, h = image.height
        do {
            if image.format == .rgba8 {
                rgb = Image(width: w, height: h, format: .rgb8, filledWith: [255, 255, 255])
                try rgb.composite(image, atX: 0, y: 0)
            }
            let whole = PixelBox(x: 0, y: 0, width: w, height: h)
            switch self {
            case .original:
                return (rgb, Transform(sx: 1, sy: 1, offsetX: 0, offsetY: 0, resizedWidth: w, resizedHeight: h, crop: whole))
            case .maxSide(let side):
                guard max(w, h) > side else {
                    return (rgb, Transform(sx: 1, sy: 1, offsetX: 0, offsetY: 0, resizedWidth: w, resizedHeight: h, crop: whole))
                }
                let s = Double(side) / Double(max(w, h))
                let ow = max(1, Int((Double(w) * s).rounded())), oh = max(1, Int((Double(h) * s).rounded()))
                let transform = Transform(sx: Double(ow) / Double(w), sy: Double(oh) / Double(h), offsetX: 0, offsetY: 0,
                                          resizedWidth: ow, resizedHeight: oh, crop: PixelBox(x: 0, y: 0, width: ow, height: oh))
                return (try rgb.resized(width: ow, height: oh, filter: .area), transform)
            case .jitter(let draw):
                let g = draw.geometry(width: w, height: h)
                // X-Paste resizes uint8 images with PIL's BILINEAR and maps coordinates by img_scale
                // (not by the rounded size ratio): both kept as they are.
                let resized = try rgb.resized(width: g.scaledWidth, height: g.scaledHeight, filter: .bilinear)
                let transform = Transform(sx: g.imageScale, sy: g.imageScale, offsetX: g.crop.x, offsetY: g.crop.y,
                                          resizedWidth: g.scaledWidth, resizedHeight: g.scaledHeight, crop: g.crop, jitter: g)
                return (try resized.cropped(to: g.crop), transform)
            }
        } catch {
            throw .image(context: "background \(context)", error)
        }
    }
}
