import Foundation
import XPasteImage

/// Turns an image file into what the bank stores as a cutout: an 8-bit RGBA PNG cropped to the
/// object, plus where it sat in the file and how much of the file it covered.
enum CutoutPreparer {
    /// A prepared cutout.
    struct Prepared: Sendable {
        /// The cutout PNG (8-bit RGBA).
        var cutout: PNGBlob
        /// Its box in the file it came from.
        var box: PixelBox
        /// Object pixels / file pixels; nil when the file was already a cropped cutout.
        var areaRatio: Double?
        /// Size of the file's image.
        var sourceWidth: Int
        var sourceHeight: Int
        /// The file had no alpha channel (a JPEG, an RGB PNG): the whole rectangle is the object.
        var withoutAlpha = false
    }

    /// An already cleaned-up cutout (X-Paste `*path` entries, our own exports): stored as is when it
    /// is an 8-bit RGBA PNG, else converted to one (opaque when it has no alpha).
    static func asIs(_ bytes: [UInt8], limits: DecodeLimits) throws(BankError) -> Prepared {
        let data = Data(bytes)
        if let blob = try? PNGBlob(data), blob.isRGBA8 {
            let box = PixelBox(x: 0, y: 0, width: blob.header.width, height: blob.header.height)
            return Prepared(cutout: blob, box: box, areaRatio: nil, sourceWidth: box.width, sourceHeight: box.height)
        }
        let decoded = try decode(bytes, limits: limits)
        let image = rgba(decoded)
        let box = PixelBox(x: 0, y: 0, width: image.width, height: image.height)
        return Prepared(cutout: try encode(image), box: box, areaRatio: nil, sourceWidth: image.width, sourceHeight: image.height,
                        withoutAlpha: decoded.format != .rgba8)
    }

    /// X-Paste's clean-up of a raw cutout (`InstPool._load_RGBA`, `clean_pool.py`): alpha above 128
    /// is the object, only its largest 8-connected component is kept with holes filled, the soft
    /// alpha stays inside it and is zeroed outside, and the result is cropped to the component's box.
    /// `mask` replaces the file's alpha (X-Paste `image|mask` entries). Nil when no object is left.
    static func xpasteCleanup(_ bytes: [UInt8], mask: [UInt8]?, limits: DecodeLimits) throws(BankError) -> Prepared? {
        let decoded = try decode(bytes, limits: limits)
        var image = rgba(decoded)
        if let mask {
            let alpha: Mask
            do { alpha = try ImageCodec.decodeMask(mask, limits: limits) } catch { throw BankError.invalidImport("mask: \(error)") }
            guard alpha.width == image.width, alpha.height == image.height else {
                throw BankError.invalidImport("mask is \(alpha.width)×\(alpha.height), image is \(image.width)×\(image.height)")
            }
            image.pixels.withUnsafeMutableBufferPointer { px in
                for i in 0..<alpha.values.count { px[i * 4 + 3] = alpha.values[i] }
            }
        }
        let cutout: ObjectCutout?
        do { cutout = try ObjectCutout.cut(image, by: image.alphaChannel() ?? Mask(width: image.width, height: image.height, value: 255)) } catch {
            throw BankError.invalidImport("\(error)")
        }
        guard let cutout else { return nil }
        return Prepared(cutout: try encode(cutout.image), box: cutout.box, areaRatio: cutout.areaRatio,
                        sourceWidth: image.width, sourceHeight: image.height, withoutAlpha: mask == nil && decoded.format != .rgba8)
    }

    /// `image` cut out by `mask` (same size): pixels outside the mask transparent, cropped to the
    /// mask's box. Nil for an empty mask. Used for COCO/LVIS annotations.
    static func cut(_ image: Image, by mask: BinaryMask) throws(BankError) -> Prepared? {
        let src = rgba(image)
        let w = src.width, h = src.height
        guard mask.width == w, mask.height == h else {
            throw BankError.invalidImport("mask is \(mask.width)×\(mask.height), image is \(w)×\(h)")
        }
        var minX = w, minY = h, maxX = -1, maxY = -1, area = 0
        mask.bits.withUnsafeBufferPointer { bits in
            for y in 0..<h {
                for x in 0..<w where bits[y * w + x] != 0 {
                    area += 1
                    minX = min(minX, x); maxX = max(maxX, x)
                    minY = min(minY, y); maxY = max(maxY, y)
                }
            }
        }
        guard area > 0 else { return nil }
        let box = PixelBox(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
        var out = Image(width: box.width, height: box.height, format: .rgba8)
        src.pixels.withUnsafeBufferPointer { px in
            mask.bits.withUnsafeBufferPointer { k in
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
        return Prepared(cutout: try encode(out), box: box, areaRatio: Double(area) / Double(w * h), sourceWidth: w, sourceHeight: h)
    }

    static func decode(_ bytes: [UInt8], limits: DecodeLimits) throws(BankError) -> Image {
        do {
            return try ImageCodec.decode(bytes, limits: limits)
        } catch {
            throw BankError.invalidImport("\(error)")
        }
    }

    /// Packed RGBA: RGB images get full opacity.
    static func rgba(_ image: Image) -> Image {
        let src = image.packed()
        if src.format == .rgba8 { return src }
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

    static func encode(_ image: Image) throws(BankError) -> PNGBlob {
        do {
            return try PNGBlob(Data(ImageCodec.encodePNG(image)))
        } catch let error as BankError {
            throw error
        } catch {
            throw BankError.invalidImport("PNG encoding failed: \(error)")
        }
    }
}
