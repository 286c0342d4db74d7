import XPasteImage

/// The clean-up X-Paste applies to a raw cutout file when it loads it (`InstPool._load_RGBA`).
enum CutoutCleanup {
    /// Alpha binarised at `threshold` (strictly above, as X-Paste's `alpha > 128`), the largest
    /// 8-connected component with holes filled, the soft alpha kept inside it and zeroed outside,
    /// cropped to the component's box. Nil when nothing is left.
    static func xpaste(_ rgba: Image, threshold: UInt8 = 128) -> Image? {
        precondition(rgba.format == .rgba8)
        let src = rgba.packed()
        let w = src.width, h = src.height
        var seg = BinaryMask(width: w, height: h)
        src.pixels.withUnsafeBufferPointer { px in
            seg.bits.withUnsafeMutableBufferPointer { bits in
                for i in 0..<(w * h) { bits[i] = px[i * 4 + 3] > threshold ? 1 : 0 }
            }
        }
        let keep = seg.largestComponentWithHolesFilled()
        guard let box = SceneObject.tightBox(of: keep)?.box else { return nil }
        var out = Image(width: box.width, height: box.height, format: .rgba8)
        src.pixels.withUnsafeBufferPointer { px in
            keep.bits.withUnsafeBufferPointer { k in
                out.pixels.withUnsafeMutableBufferPointer { dst in
                    for y in 0..<box.height {
                        for x in 0..<box.width {
                            let s = (box.y + y) * w + box.x + x
                            let d = (y * box.width + x) * 4
                            dst[d] = px[s * 4]
                            dst[d + 1] = px[s * 4 + 1]
                            dst[d + 2] = px[s * 4 + 2]
                            dst[d + 3] = k[s] != 0 ? px[s * 4 + 3] : 0
                        }
                    }
                }
            }
        }
        return out
    }

    /// An RGB image made RGBA with full opacity.
    static func opaque(_ rgb: Image) -> Image {
        let src = rgb.packed()
        var out = Image(width: src.width, height: src.height, format: .rgba8)
        src.pixels.withUnsafeBufferPointer { s in
            out.pixels.withUnsafeMutableBufferPointer { d in
                for i in 0..<src.pixelCount {
                    d[i * 4] = s[i * 3]
                    d[i * 4 + 1] = s[i * 3 + 1]
                    d[i * 4 + 2] = s[i * 3 + 2]
                    d[i * 4 + 3] = 255
                }
            }
        }
        return out
    }

    /// `image`'s colour with `mask` as its alpha (X-Paste's `image|mask` pool entries).
    static func withAlpha(_ image: Image, _ mask: Mask) throws(ImageError) -> Image {
        guard image.width == mask.width, image.height == mask.height else {
            throw .invalidGeometry("mask \(mask.width)×\(mask.height) does not match image \(image.width)×\(image.height)")
        }
        var out = image.format == .rgba8 ? image.packed() : opaque(image)
        out.pixels.withUnsafeMutableBufferPointer { d in
            mask.values.withUnsafeBufferPointer { m in
                for i in 0..<m.count { d[i * 4 + 3] = m[i] }
            }
        }
        return out
    }
}
