/// Byte-exact geometric copies (crop, flip, pad) of interleaved 8-bit planes, shared by `Image`,
/// `Mask` and `BinaryMask`. Work is row `memcpy`s where rows stay intact.
enum PlaneTransform {
    /// A packed buffer of `rows` rows of `rowBytes` bytes, row y written by
    /// `fill(source, destinationRow, y)`.
    @inline(__always)
    static func packedRows(
        from src: [UInt8], rowBytes: Int, rows: Int,
        _ fill: (UnsafePointer<UInt8>, UnsafeMutablePointer<UInt8>, Int) -> Void
    ) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: rowBytes * rows)
        guard rowBytes > 0, rows > 0 else { return out }
        src.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { d in
                for y in 0..<rows { fill(s.baseAddress!, d.baseAddress! + y * rowBytes, y) }
            }
        }
        return out
    }

    /// Copies `box` (already checked to lie inside the plane) into a packed buffer.
    static func crop(_ src: [UInt8], stride: Int, bytesPerPixel: Int, box: PixelBox) -> [UInt8] {
        let rowBytes = box.width * bytesPerPixel
        return packedRows(from: src, rowBytes: rowBytes, rows: box.height) { s, o, y in
            o.update(from: s + (box.y + y) * stride + box.x * bytesPerPixel, count: rowBytes)
        }
    }

    /// Mirrors left–right into a packed buffer.
    static func flipHorizontally(_ src: [UInt8], width: Int, height: Int, stride: Int, bytesPerPixel: Int) -> [UInt8] {
        packedRows(from: src, rowBytes: width * bytesPerPixel, rows: height) { s, o, y in
            let row = s + y * stride
            switch bytesPerPixel {
            case 1:
                for x in 0..<width { o[x] = row[width - 1 - x] }
            case 3:
                for x in 0..<width {
                    let p = row + (width - 1 - x) * 3, q = o + x * 3
                    q[0] = p[0]; q[1] = p[1]; q[2] = p[2]
                }
            default:
                for x in 0..<width {
                    (o + x * bytesPerPixel).update(from: row + (width - 1 - x) * bytesPerPixel, count: bytesPerPixel)
                }
            }
        }
    }

    /// Mirrors top–bottom into a packed buffer.
    static func flipVertically(_ src: [UInt8], width: Int, height: Int, stride: Int, bytesPerPixel: Int) -> [UInt8] {
        let rowBytes = width * bytesPerPixel
        return packedRows(from: src, rowBytes: rowBytes, rows: height) { s, o, y in
            o.update(from: s + (height - 1 - y) * stride, count: rowBytes)
        }
    }

    /// Surrounds the plane with a constant `fill` pixel; margins are already checked non-negative.
    static func pad(
        _ src: [UInt8], width: Int, height: Int, stride: Int, fill: [UInt8],
        top: Int, left: Int, bottom: Int, right: Int
    ) -> [UInt8] {
        let bpp = fill.count
        let outWidth = width + left + right, outHeight = height + top + bottom
        let outRow = outWidth * bpp, srcRow = width * bpp
        var out = [UInt8](repeating: fill[0], count: outRow * outHeight)
        if fill.contains(where: { $0 != fill[0] }) {
            out.withUnsafeMutableBufferPointer { d in
                for i in Swift.stride(from: 0, to: d.count, by: bpp) {
                    for c in 0..<bpp { d[i + c] = fill[c] }
                }
            }
        }
        guard srcRow > 0 else { return out }
        src.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { d in
                for y in 0..<height {
                    (d.baseAddress! + (top + y) * outRow + left * bpp).update(from: s.baseAddress! + y * stride, count: srcRow)
                }
            }
        }
        return out
    }

    /// Throws unless `box` is non-empty and lies inside a `width × height` plane.
    static func checkInside(_ box: PixelBox, width: Int, height: Int) throws(ImageError) {
        guard !box.isEmpty, box.x >= 0, box.y >= 0, box.maxX <= width, box.maxY <= height else {
            throw ImageError.invalidGeometry(
                "crop box x \(box.x), y \(box.y), \(box.width)×\(box.height) is empty or not inside the \(width)×\(height) plane; intersect it with `bounds` to clamp")
        }
    }

    /// Throws unless every margin is non-negative and the padded plane's byte count fits `Int`.
    static func checkMargins(
        top: Int, left: Int, bottom: Int, right: Int, width: Int, height: Int, bytesPerPixel: Int
    ) throws(ImageError) {
        guard top >= 0, left >= 0, bottom >= 0, right >= 0 else {
            throw ImageError.invalidArgument("padding must be non-negative, got top \(top), left \(left), bottom \(bottom), right \(right)")
        }
        let what = "padding a \(width)×\(height) plane by top \(top), left \(left), bottom \(bottom), right \(right)"
        _ = try PlaneSize.product(try PlaneSize.sum(width, left, right, what: what),
                                  try PlaneSize.sum(height, top, bottom, what: what), bytesPerPixel, what: what)
    }

    /// torchvision's `CenterCrop` origin: ⌊(size − crop)/2⌉ with Python's round-half-to-even.
    static func centeredOrigin(size: Int, crop: Int) -> Int {
        Int((Double(size - crop) / 2.0).rounded(.toNearestOrEven))
    }
}

extension Image {
    /// The box covering the whole image.
    public var bounds: PixelBox { PixelBox(x: 0, y: 0, width: width, height: height) }

    /// The pixels inside `box`, as a new packed image.
    ///
    /// Cropping is strict: a box that is empty or reaches outside the image is an error rather
    /// than silently clamped, because callers computing boxes from detections should notice. To
    /// clamp, crop to `box.intersection(image.bounds)`.
    ///
    /// - Throws: `ImageError.invalidGeometry` when `box` is empty or not inside the image.
    public func cropped(to box: PixelBox) throws(ImageError) -> Image {
        try PlaneTransform.checkInside(box, width: width, height: height)
        let out = PlaneTransform.crop(pixels, stride: stride, bytesPerPixel: format.channels, box: box)
        return try Image(width: box.width, height: box.height, format: format, pixels: out)
    }

    /// The centred `cropWidth × cropHeight` region, placed like torchvision's `CenterCrop`
    /// (offsets ⌊(size − crop)/2⌉, halves rounded to even) for CLIP preprocessing.
    ///
    /// - Throws: `ImageError.invalidGeometry` when the crop is empty or larger than the image.
    public func centerCropped(width cropWidth: Int, height cropHeight: Int) throws(ImageError) -> Image {
        try cropped(to: PixelBox(x: PlaneTransform.centeredOrigin(size: width, crop: cropWidth),
                                 y: PlaneTransform.centeredOrigin(size: height, crop: cropHeight),
                                 width: cropWidth, height: cropHeight))
    }

    /// The image mirrored left to right (packed rows).
    public func flippedHorizontally() -> Image {
        let out = PlaneTransform.flipHorizontally(pixels, width: width, height: height, stride: stride,
                                                  bytesPerPixel: format.channels)
        return Image(rasterOutput: out, width: width, height: height, format: format)
    }

    /// The image mirrored top to bottom (packed rows).
    public func flippedVertically() -> Image {
        let out = PlaneTransform.flipVertically(pixels, width: width, height: height, stride: stride,
                                                bytesPerPixel: format.channels)
        return Image(rasterOutput: out, width: width, height: height, format: format)
    }

    /// The image surrounded by margins of a constant colour (`format.channels` components).
    ///
    /// - Throws: `ImageError.invalidArgument` for a negative margin or a colour with the wrong
    ///   number of components, `.tooLarge` when the padded size overflows `Int`.
    public func padded(top: Int, left: Int, bottom: Int, right: Int, color: [UInt8]) throws(ImageError) -> Image {
        try PlaneTransform.checkMargins(top: top, left: left, bottom: bottom, right: right,
                                         width: width, height: height, bytesPerPixel: format.channels)
        guard color.count == format.channels else {
            throw ImageError.invalidArgument("pad colour has \(color.count) components, \(format) needs \(format.channels)")
        }
        let out = PlaneTransform.pad(pixels, width: width, height: height, stride: stride, fill: color,
                                     top: top, left: left, bottom: bottom, right: right)
        return Image(rasterOutput: out, width: width + left + right, height: height + top + bottom, format: format)
    }

    /// Wraps a buffer this module built with exactly `width × height × channels` bytes.
    init(rasterOutput pixels: [UInt8], width: Int, height: Int, format: PixelFormat) {
        precondition(pixels.count == width * height * format.channels, "internal: packed buffer size")
        // The throwing initialiser only rejects inconsistent geometry, which the precondition excludes.
        self = try! Image(width: width, height: height, format: format, pixels: pixels)
    }
}

extension Mask {
    /// The box covering the whole mask.
    public var bounds: PixelBox { PixelBox(x: 0, y: 0, width: width, height: height) }

    /// The values inside `box`; strict like `Image.cropped(to:)`.
    ///
    /// - Throws: `ImageError.invalidGeometry` when `box` is empty or not inside the mask.
    public func cropped(to box: PixelBox) throws(ImageError) -> Mask {
        try PlaneTransform.checkInside(box, width: width, height: height)
        return try Mask(width: box.width, height: box.height,
                        values: PlaneTransform.crop(values, stride: width, bytesPerPixel: 1, box: box))
    }

    /// The mask mirrored left to right.
    public func flippedHorizontally() -> Mask {
        var out = self
        out.values = PlaneTransform.flipHorizontally(values, width: width, height: height, stride: width, bytesPerPixel: 1)
        return out
    }

    /// The mask mirrored top to bottom.
    public func flippedVertically() -> Mask {
        var out = self
        out.values = PlaneTransform.flipVertically(values, width: width, height: height, stride: width, bytesPerPixel: 1)
        return out
    }

    /// The mask surrounded by margins holding `value`.
    ///
    /// - Throws: `ImageError.invalidArgument` for a negative margin, `.tooLarge` when the padded
    ///   size overflows `Int`.
    public func padded(top: Int, left: Int, bottom: Int, right: Int, value: UInt8 = 0) throws(ImageError) -> Mask {
        try PlaneTransform.checkMargins(top: top, left: left, bottom: bottom, right: right,
                                         width: width, height: height, bytesPerPixel: 1)
        let out = PlaneTransform.pad(values, width: width, height: height, stride: width, fill: [value],
                                     top: top, left: left, bottom: bottom, right: right)
        return try Mask(width: width + left + right, height: height + top + bottom, values: out)
    }
}

extension BinaryMask {
    /// The box covering the whole mask.
    public var bounds: PixelBox { PixelBox(x: 0, y: 0, width: width, height: height) }

    /// The bits inside `box`; strict like `Image.cropped(to:)`.
    ///
    /// - Throws: `ImageError.invalidGeometry` when `box` is empty or not inside the mask.
    public func cropped(to box: PixelBox) throws(ImageError) -> BinaryMask {
        try PlaneTransform.checkInside(box, width: width, height: height)
        var out = BinaryMask(width: box.width, height: box.height)
        out.bits = PlaneTransform.crop(bits, stride: width, bytesPerPixel: 1, box: box)
        return out
    }

    /// The mask mirrored left to right.
    public func flippedHorizontally() -> BinaryMask {
        var out = self
        out.bits = PlaneTransform.flipHorizontally(bits, width: width, height: height, stride: width, bytesPerPixel: 1)
        return out
    }

    /// The mask mirrored top to bottom.
    public func flippedVertically() -> BinaryMask {
        var out = self
        out.bits = PlaneTransform.flipVertically(bits, width: width, height: height, stride: width, bytesPerPixel: 1)
        return out
    }

    /// The mask surrounded by margins of background (or foreground when `filled`).
    ///
    /// - Throws: `ImageError.invalidArgument` for a negative margin, `.tooLarge` when the padded
    ///   size overflows `Int`.
    public func padded(top: Int, left: Int, bottom: Int, right: Int, filled: Bool = false) throws(ImageError) -> BinaryMask {
        try PlaneTransform.checkMargins(top: top, left: left, bottom: bottom, right: right,
                                         width: width, height: height, bytesPerPixel: 1)
        var out = BinaryMask(width: width + left + right, height: height + top + bottom)
        out.bits = PlaneTransform.pad(bits, width: width, height: height, stride: width, fill: [filled ? 1 : 0],
                                      top: top, left: left, bottom: bottom, right: right)
        return out
    }
}
