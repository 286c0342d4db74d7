/// The eight orientations of the TIFF/EXIF Orientation tag (0x0112), named by where the stored
/// image's first row and first column belong when displayed.
///
/// `ImageCodec.decode` applies a JPEG's orientation so callers always get upright pixels, with
/// exactly the transform Pillow's `ImageOps.exif_transpose` uses for each value.
public enum EXIFOrientation: Int, Sendable, Hashable, CaseIterable {
    /// 1: stored upright.
    case topLeft = 1
    /// 2: mirrored left–right.
    case topRight = 2
    /// 3: rotated 180°.
    case bottomRight = 3
    /// 4: mirrored top–bottom.
    case bottomLeft = 4
    /// 5: transposed (mirrored across the main diagonal).
    case leftTop = 5
    /// 6: needs a 90° clockwise turn to display.
    case rightTop = 6
    /// 7: transversed (mirrored across the anti-diagonal).
    case rightBottom = 7
    /// 8: needs a 90° counter-clockwise turn to display.
    case leftBottom = 8

    /// Whether displaying swaps width and height.
    public var swapsDimensions: Bool { rawValue >= 5 }

    /// The orientation recorded in a JPEG's first Exif APP1 segment; `.topLeft` when there is
    /// none or it cannot be read (a damaged Exif block never fails the decode).
    public static func inJPEG(_ bytes: UnsafeBufferPointer<UInt8>) -> EXIFOrientation {
        var i = 2 // after SOI
        let n = bytes.count
        while i + 4 <= n {
            guard bytes[i] == 0xFF else { return .topLeft }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue } // fill byte
            if marker == 0x01 || (0xD0...0xD8).contains(marker) { i += 2; continue } // no length
            if marker == 0xDA || marker == 0xD9 { return .topLeft } // scan data or end: no Exif
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard length >= 2, i + 2 + length <= n else { return .topLeft }
            let payload = i + 4, payloadLength = length - 2
            if marker == 0xE1, payloadLength >= 6, exifHeader.indices.allSatisfy({ bytes[payload + $0] == exifHeader[$0] }) {
                let tiff = UnsafeBufferPointer(rebasing: bytes[(payload + 6)..<(payload + payloadLength)])
                return inTIFF(tiff) ?? .topLeft
            }
            i += 2 + length
        }
        return .topLeft
    }

    /// The Orientation entry of IFD0 in a TIFF structure, or nil when absent or malformed.
    static func inTIFF(_ tiff: UnsafeBufferPointer<UInt8>) -> EXIFOrientation? {
        guard tiff.count >= 8 else { return nil }
        let little: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ o: Int) -> Int? {
            guard o >= 0, o + 2 <= tiff.count else { return nil }
            return little ? Int(tiff[o]) | Int(tiff[o + 1]) << 8 : Int(tiff[o]) << 8 | Int(tiff[o + 1])
        }
        func u32(_ o: Int) -> Int? {
            guard let a = u16(o), let b = u16(o + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for k in 0..<count {
            let entry = ifd + 2 + 12 * k
            guard let tag = u16(entry), let type = u16(entry + 2) else { return nil }
            guard tag == 0x0112 else { continue }
            let value: Int?
            switch type {
            case 3: value = u16(entry + 8) // SHORT, the type the standard prescribes
            case 4: value = u32(entry + 8) // LONG, written by some tools and read by Pillow
            default: value = nil
            }
            return value.flatMap { EXIFOrientation(rawValue: $0) }
        }
        return nil
    }

    /// `image` turned upright: the stored pixels rearranged for display.
    public func applied(to image: Image) -> Image {
        if self == .topLeft { return image }
        let w = image.width, h = image.height, c = image.format.channels
        let outWidth = swapsDimensions ? h : w, outHeight = swapsDimensions ? w : h
        var out = Image(width: outWidth, height: outHeight, format: image.format)
        if out.pixelCount == 0 { return out }
        let srcStride = image.stride, dstStride = out.stride
        image.pixels.withUnsafeBufferPointer { srcBuffer in
            out.pixels.withUnsafeMutableBufferPointer { dstBuffer in
                let src = srcBuffer.baseAddress!, dst = dstBuffer.baseAddress!
                for y in 0..<outHeight {
                    // Each output row reads the source along a fixed row or column, so only the
                    // start and the per-pixel step depend on the orientation.
                    let start: Int, step: Int
                    switch self {
                    case .topLeft: (start, step) = (y * srcStride, c)
                    case .topRight: (start, step) = (y * srcStride + (w - 1) * c, -c)
                    case .bottomRight: (start, step) = ((h - 1 - y) * srcStride + (w - 1) * c, -c)
                    case .bottomLeft: (start, step) = ((h - 1 - y) * srcStride, c)
                    case .leftTop: (start, step) = (y * c, srcStride)
                    case .rightTop: (start, step) = ((h - 1) * srcStride + y * c, -srcStride)
                    case .rightBottom: (start, step) = ((h - 1) * srcStride + (w - 1 - y) * c, -srcStride)
                    case .leftBottom: (start, step) = ((w - 1 - y) * c, srcStride)
                    }
                    var s = start
                    let row = dst + y * dstStride
                    for x in 0..<outWidth {
                        for k in 0..<c { row[x * c + k] = src[s + k] }
                        s += step
                    }
                }
            }
        }
        return out
    }

    private static let exifHeader: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00] // "Exif\0\0"
}
