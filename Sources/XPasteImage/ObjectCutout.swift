/// A segmented object cut out of its image the way X-Paste cleans a mask up (`clean_pool.py`,
/// `InstPool._load_RGBA`); the one implementation the extractor and the bank importer share:
/// mask values above the threshold (X-Paste: `> 128`) are the object, only the largest
/// 8-connected component is kept with its holes filled, the soft mask stays as alpha inside that
/// component and is zero outside, and the result is cropped to the component's tight box.
public struct ObjectCutout: Sendable, Hashable {
    /// The cutout: RGBA, the box's size, alpha = the soft mask inside the object, 0 outside.
    public let image: Image
    /// Where the cutout sat in its image.
    public let box: PixelBox
    /// Object pixels: the component with its holes filled.
    public let area: Int
    /// `area` over the image's pixel count.
    public let areaRatio: Double

    /// Cuts the object that `mask` (the image's size) marks out of `image`; nil when no mask value
    /// is above `threshold`.
    public static func cut(_ image: Image, by mask: Mask, threshold: UInt8 = 128) throws(ImageError) -> ObjectCutout? {
        guard mask.width == image.width, mask.height == image.height else {
            throw .invalidGeometry("mask \(mask.width)×\(mask.height) does not match image \(image.width)×\(image.height)")
        }
        guard threshold < 255 else { return nil }
        let object = mask.binarized(threshold: threshold + 1).largestComponentWithHolesFilled()
        guard let box = object.boundingBox else { return nil }
        var alpha = try mask.cropped(to: box)
        let inside = try object.cropped(to: box)
        inside.bits.withUnsafeBufferPointer { bits in
            alpha.values.withUnsafeMutableBufferPointer { a in
                // Branch-free: bits are 0 or 1, so 0 &- bit is 0x00 or 0xFF.
                for i in 0..<a.count { a[i] &= 0 &- bits[i] }
            }
        }
        let cutout = try image.cropped(to: box).withAlpha(alpha)
        let area = object.area
        return ObjectCutout(image: cutout, box: box, area: area, areaRatio: Double(area) / Double(image.pixelCount))
    }
}
