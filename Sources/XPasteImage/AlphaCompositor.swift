/// Straight-alpha "over" compositing of a patch onto an image: the paste step of copy-paste.
///
/// Rounding rule (exact integer arithmetic, no floating point):
/// - opaque destination (RGB, or RGBA whose alpha is 255):
///   `out = round((s·a + d·(255 − a)) / 255)`, computed as `t = s·a + d·(255 − a) + 128;
///   out = (t + (t >> 8)) >> 8`, which equals the correctly rounded quotient for every input
///   (`x/255` is never exactly halfway, so there is no tie to break);
/// - RGBA destination with alpha `b`: `A = a·255 + b·(255 − a)` (alpha scaled by 255),
///   `out_alpha = round(A / 255)`, `out = round((s·a·255 + d·b·(255 − a)) / A)` with halves rounded
///   up; for b = 255 this is the formula above;
/// - `a = 0` leaves the destination pixel untouched, `a = 255` copies the source.
///
/// The effective alpha `a` is the patch's alpha, the mask's value, or (both given) their product
/// `round(alpha · mask / 255)`.
enum AlphaCompositor {
    /// `round(x / 255)` for x in 0 … 255·255, exact.
    @inline(__always)
    static func div255(_ x: UInt32) -> UInt32 {
        let t = x &+ 128
        return (t &+ (t >> 8)) >> 8
    }

    /// Blends `count` source pixels (3 or 4 bytes each; a 4th byte is ignored, alpha comes from
    /// `alpha`) over opaque RGB destination pixels.
    @inline(__always)
    static func blendOverRGB(
        _ d: UnsafeMutablePointer<UInt8>, _ s: UnsafePointer<UInt8>, sourceBytes: Int,
        alpha: UnsafePointer<UInt8>, count: Int
    ) {
        for i in 0..<count {
            let a = UInt32(alpha[i])
            if a == 0 { continue }
            let sp = s + i * sourceBytes, dp = d + i * 3
            if a == 255 {
                dp[0] = sp[0]; dp[1] = sp[1]; dp[2] = sp[2]
                continue
            }
            let ia = 255 &- a
            dp[0] = UInt8(truncatingIfNeeded: div255(UInt32(sp[0]) &* a &+ UInt32(dp[0]) &* ia))
            dp[1] = UInt8(truncatingIfNeeded: div255(UInt32(sp[1]) &* a &+ UInt32(dp[1]) &* ia))
            dp[2] = UInt8(truncatingIfNeeded: div255(UInt32(sp[2]) &* a &+ UInt32(dp[2]) &* ia))
        }
    }

    /// Blends over RGBA destination pixels with the general "over" rule.
    @inline(__always)
    static func blendOverRGBA(
        _ d: UnsafeMutablePointer<UInt8>, _ s: UnsafePointer<UInt8>, sourceBytes: Int,
        alpha: UnsafePointer<UInt8>, count: Int
    ) {
        for i in 0..<count {
            let a = UInt32(alpha[i])
            if a == 0 { continue }
            let sp = s + i * sourceBytes, dp = d + i * 4
            if a == 255 {
                dp[0] = sp[0]; dp[1] = sp[1]; dp[2] = sp[2]; dp[3] = 255
                continue
            }
            let b = UInt32(dp[3]), ia = 255 &- a
            if b == 255 {
                for c in 0..<3 { dp[c] = UInt8(truncatingIfNeeded: div255(UInt32(sp[c]) &* a &+ UInt32(dp[c]) &* ia)) }
                continue
            }
            let outAlpha255 = a &* 255 &+ b &* ia  // > 0 because a > 0
            let sw = a &* 255, dw = b &* ia
            for c in 0..<3 {
                let numerator = UInt32(sp[c]) &* sw &+ UInt32(dp[c]) &* dw
                dp[c] = UInt8(truncatingIfNeeded: (2 &* numerator &+ outAlpha255) / (2 &* outAlpha255))
            }
            dp[3] = UInt8(truncatingIfNeeded: div255(outAlpha255))
        }
    }
}

extension Image {
    /// Composites `patch` over this image with the patch's top-left pixel at (`x`, `y`), using
    /// straight (not premultiplied) alpha; the exact rounding rule is documented on
    /// `AlphaCompositor`.
    ///
    /// Alpha comes from an RGBA patch, from `mask` (same size as the patch, 255 = opaque), or from
    /// their product when both are present; an RGB patch without a mask is pasted opaque. The
    /// offset may be negative or place the patch partly or wholly outside: only the overlap is
    /// written. The destination may be RGB or RGBA.
    ///
    /// - Returns: the destination box that was touched, or nil when the patch misses the image.
    /// - Throws: `ImageError.invalidGeometry` when `mask` is not the patch's size.
    @discardableResult
    public mutating func composite(_ patch: Image, atX x: Int, y: Int, mask: Mask? = nil) throws(ImageError) -> PixelBox? {
        if let mask, mask.width != patch.width || mask.height != patch.height {
            throw ImageError.invalidGeometry("mask \(mask.width)×\(mask.height) does not match patch \(patch.width)×\(patch.height)")
        }
        // An offset at or past the far edge misses the image; ruling it out first keeps
        // `x + patch.width` from overflowing for hostile offsets near `Int.max`.
        guard x < width, y < height,
              let region = bounds.intersection(PixelBox(x: x, y: y, width: patch.width, height: patch.height)) else {
            return nil
        }
        let sx = region.x - x, sy = region.y - y
        let sourceBytes = patch.format.channels, destinationBytes = format.channels
        let destinationStride = stride, patchStride = patch.stride
        let patchHasAlpha = patch.format == .rgba8
        var alphaRow = [UInt8](repeating: 255, count: region.width)
        let maskValues = mask?.values ?? []
        let maskWidth = mask?.width ?? 0
        let useMask = mask != nil
        let opaqueDestination = format == .rgb8
        pixels.withUnsafeMutableBufferPointer { dstBuf in
            patch.pixels.withUnsafeBufferPointer { srcBuf in
                maskValues.withUnsafeBufferPointer { maskBuf in
                    alphaRow.withUnsafeMutableBufferPointer { alphaBuf in
                        let alpha = alphaBuf.baseAddress!
                        for row in 0..<region.height {
                            let s = srcBuf.baseAddress! + (sy + row) * patchStride + sx * sourceBytes
                            let d = dstBuf.baseAddress! + (region.y + row) * destinationStride + region.x * destinationBytes
                            if patchHasAlpha {
                                for i in 0..<region.width { alpha[i] = s[i * 4 + 3] }
                            }
                            if useMask {
                                let m = maskBuf.baseAddress! + (sy + row) * maskWidth + sx
                                if patchHasAlpha {
                                    for i in 0..<region.width {
                                        alpha[i] = UInt8(truncatingIfNeeded: AlphaCompositor.div255(UInt32(alpha[i]) &* UInt32(m[i])))
                                    }
                                } else {
                                    alpha.update(from: m, count: region.width)
                                }
                            }
                            if opaqueDestination {
                                AlphaCompositor.blendOverRGB(d, s, sourceBytes: sourceBytes, alpha: alpha, count: region.width)
                            } else {
                                AlphaCompositor.blendOverRGBA(d, s, sourceBytes: sourceBytes, alpha: alpha, count: region.width)
                            }
                        }
                    }
                }
            }
        }
        return region
    }
}

extension Image {
    /// The alpha channel as a soft mask, or nil for an RGB image.
    public func alphaChannel() -> Mask? {
        guard format == .rgba8 else { return nil }
        var mask = Mask(width: width, height: height)
        pixels.withUnsafeBufferPointer { src in
            mask.values.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    let row = src.baseAddress! + y * stride, out = dst.baseAddress! + y * width
                    for x in 0..<width { out[x] = row[x * 4 + 3] }
                }
            }
        }
        return mask
    }

    /// This image's colour with `alpha` as its alpha channel (an RGBA image's own alpha is
    /// replaced): how a segmented object becomes a cutout.
    ///
    /// - Throws: `ImageError.invalidGeometry` when `alpha` is not the image's size.
    public func withAlpha(_ alpha: Mask) throws(ImageError) -> Image {
        guard alpha.width == width, alpha.height == height else {
            throw ImageError.invalidGeometry("alpha \(alpha.width)×\(alpha.height) does not match image \(width)×\(height)")
        }
        var out = Image(width: width, height: height, format: .rgba8)
        let channels = format.channels, stride = stride
        pixels.withUnsafeBufferPointer { src in
            alpha.values.withUnsafeBufferPointer { a in
                out.pixels.withUnsafeMutableBufferPointer { dst in
                    for y in 0..<height {
                        let row = src.baseAddress! + y * stride, o = dst.baseAddress! + y * width * 4
                        let m = a.baseAddress! + y * width
                        for x in 0..<width {
                            let p = row + x * channels, q = o + x * 4
                            q[0] = p[0]; q[1] = p[1]; q[2] = p[2]; q[3] = m[x]
                        }
                    }
                }
            }
        }
        return out
    }
}
