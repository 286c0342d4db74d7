#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XPasteImage

/// The per-cutout augmentations XPasteImage does not provide: rotation with an expanded canvas
/// (detectron2's `RandomRotation(expand=True)` as X-Paste uses it) and colour jitter
/// (albumentations' `ColorJitter`, which X-Paste applies to cutouts with `color_aug`).
public enum CutoutAugment {
    /// `image` (RGBA, straight alpha) rotated counter-clockwise by `degrees` about its centre, on
    /// a canvas grown to hold all of it (⌊|w cos| + |h sin| + ½⌋ wide, like detectron2).
    /// Bilinear sampling on premultiplied colour, so transparent pixels do not bleed their
    /// (meaningless) RGB into the edge; outside the source is transparent.
    public static func rotated(_ image: Image, degrees: Double) -> Image {
        precondition(image.format == .rgba8, "rotation works on RGBA cutouts")
        let src = image.packed()
        let w = src.width, h = src.height
        let theta = degrees * Double.pi / 180
        let c = cos(theta), s = sin(theta)
        let outW = max(1, Int((Double(h) * abs(s) + Double(w) * abs(c)).rounded(.toNearestOrEven)))
        let outH = max(1, Int((Double(h) * abs(c) + Double(w) * abs(s)).rounded(.toNearestOrEven)))
        var out = Image(width: outW, height: outH, format: .rgba8)
        // Inverse map: output pixel centre → source coordinates (pixel centres at +0.5).
        let icx = Double(w) / 2, icy = Double(h) / 2, ocx = Double(outW) / 2, ocy = Double(outH) / 2
        src.pixels.withUnsafeBufferPointer { sp in
            out.pixels.withUnsafeMutableBufferPointer { dp in
                for oy in 0..<outH {
                    let dy = Double(oy) + 0.5 - ocy
                    for ox in 0..<outW {
                        let dx = Double(ox) + 0.5 - ocx
                        // Counter-clockwise on screen (y down) is a clockwise inverse in these axes.
                        let sx = c * dx - s * dy + icx - 0.5
                        let sy = s * dx + c * dy + icy - 0.5
                        let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                        guard x0 >= -1, y0 >= -1, x0 < w, y0 < h else { continue }
                        let fx = sx - Double(x0), fy = sy - Double(y0)
                        var acc: (Double, Double, Double, Double) = (0, 0, 0, 0)
                        @inline(__always) func tap(_ xx: Int, _ yy: Int, _ wgt: Double) {
                            guard xx >= 0, xx < w, yy >= 0, yy < h, wgt > 0 else { return }
                            let o = (yy * w + xx) * 4
                            let a = Double(sp[o + 3]) * wgt
                            acc.0 += Double(sp[o]) * a
                            acc.1 += Double(sp[o + 1]) * a
                            acc.2 += Double(sp[o + 2]) * a
                            acc.3 += a
                        }
                        tap(x0, y0, (1 - fx) * (1 - fy))
                        tap(x0 + 1, y0, fx * (1 - fy))
                        tap(x0, y0 + 1, (1 - fx) * fy)
                        tap(x0 + 1, y0 + 1, fx * fy)
                        guard acc.3 > 0 else { continue }
                        let d = (oy * outW + ox) * 4
                        dp[d] = clampByte(acc.0 / acc.3)
                        dp[d + 1] = clampByte(acc.1 / acc.3)
                        dp[d + 2] = clampByte(acc.2 / acc.3)
                        dp[d + 3] = clampByte(acc.3)
                    }
                }
            }
        }
        return out
    }

    /// Applies `jitter` to the colour of `image` (RGB or RGBA; alpha is kept). The contrast
    /// reference is the mean grey of the opaque pixels (albumentations uses the whole image, which
    /// for a cutout would count the transparent surround).
    public static func colorJitter(_ image: inout Image, _ jitter: ColorJitter) {
        image = image.packed()
        let ch = image.format.channels
        let n = image.pixelCount
        image.pixels.withUnsafeMutableBufferPointer { px in
            var rgb = [Float](repeating: 0, count: n * 3)
            var weight = [Float](repeating: 1, count: n)
            for i in 0..<n {
                rgb[i * 3] = Float(px[i * ch])
                rgb[i * 3 + 1] = Float(px[i * ch + 1])
                rgb[i * 3 + 2] = Float(px[i * ch + 2])
                if ch == 4 { weight[i] = Float(px[i * ch + 3]) / 255 }
            }
            for step in jitter.order {
                switch step {
                case 0: scale(&rgb, Float(jitter.brightness))
                case 1: contrast(&rgb, weight, Float(jitter.contrast))
                case 2: saturate(&rgb, Float(jitter.saturation))
                default: shiftHue(&rgb, Float(jitter.hue))
                }
            }
            for i in 0..<n {
                px[i * ch] = clampByte(Double(rgb[i * 3]))
                px[i * ch + 1] = clampByte(Double(rgb[i * 3 + 1]))
                px[i * ch + 2] = clampByte(Double(rgb[i * 3 + 2]))
            }
        }
    }

    @inline(__always) static func clampByte(_ v: Double) -> UInt8 {
        UInt8(max(0, min(255, v.rounded(.toNearestOrEven))))
    }

    @inline(__always) private static func grey(_ r: Float, _ g: Float, _ b: Float) -> Float {
        0.299 * r + 0.587 * g + 0.114 * b
    }

    private static func scale(_ rgb: inout [Float], _ f: Float) {
        for i in rgb.indices { rgb[i] = min(255, max(0, rgb[i] * f)) }
    }

    private static func contrast(_ rgb: inout [Float], _ weight: [Float], _ f: Float) {
        var sum: Float = 0, total: Float = 0
        for i in weight.indices {
            sum += grey(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]) * weight[i]
            total += weight[i]
        }
        let mean = total > 0 ? sum / total : 0
        for i in rgb.indices { rgb[i] = min(255, max(0, mean + (rgb[i] - mean) * f)) }
    }

    private static func saturate(_ rgb: inout [Float], _ f: Float) {
        for i in stride(from: 0, to: rgb.count, by: 3) {
            let g = grey(rgb[i], rgb[i + 1], rgb[i + 2])
            for k in 0..<3 { rgb[i + k] = min(255, max(0, g + (rgb[i + k] - g) * f)) }
        }
    }

    private static func shiftHue(_ rgb: inout [Float], _ shift: Float) {
        guard shift != 0 else { return }
        for i in stride(from: 0, to: rgb.count, by: 3) {
            let r = rgb[i] / 255, g = rgb[i + 1] / 255, b = rgb[i + 2] / 255
            let mx = max(r, g, b), mn = min(r, g, b), d = mx - mn
            guard d > 0 else { continue }
            var h: Float
            if mx == r { h = (g - b) / d } else if mx == g { h = 2 + (b - r) / d } else { h = 4 + (r - g) / d }
            h = h / 6 + shift
            h -= h.rounded(.down)
            let sat = d / mx
            // HSV → RGB with the same value and saturation.
            let h6 = h * 6, sector = Int(h6) % 6, f = h6 - Float(Int(h6))
            let p = mx * (1 - sat), q = mx * (1 - sat * f), t = mx * (1 - sat * (1 - f))
            let (nr, ng, nb): (Float, Float, Float)
            switch sector {
            case 0: (nr, ng, nb) = (mx, t, p)
            case 1: (nr, ng, nb) = (q, mx, p)
            case 2: (nr, ng, nb) = (p, mx, t)
            case 3: (nr, ng, nb) = (p, q, mx)
            case 4: (nr, ng, nb) = (t, p, mx)
            default: (nr, ng, nb) = (mx, p, q)
            }
            rgb[i] = nr * 255
            rgb[i + 1] = ng * 255
            rgb[i + 2] = nb * 255
        }
    }
}
