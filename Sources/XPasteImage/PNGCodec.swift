import CCodecs

/// PNG decoding and encoding through libpng (the C side owns every setjmp).
enum PNGCodec {
    /// The header of a PNG: size and whether it carries transparency.
    static func info(_ bytes: [UInt8]) throws(ImageError) -> ImageInfo {
        try withDecoder(bytes, mode: XP_PNG_MODE_IMAGE) { _, header throws(ImageError) in
            ImageInfo(format: .png, width: Int(header.width), height: Int(header.height), hasAlpha: header.has_alpha != 0)
        }
    }

    /// Decodes to `.rgba8` when the file has alpha or tRNS, else `.rgb8`.
    static func decode(_ bytes: [UInt8], limits: DecodeLimits) throws(ImageError) -> Image {
        try withDecoder(bytes, mode: XP_PNG_MODE_IMAGE) { decoder, header throws(ImageError) in
            let width = Int(header.width), height = Int(header.height)
            try limits.check(width: width, height: height, format: .png)
            let format: PixelFormat = header.channels == 4 ? .rgba8 : .rgb8
            let pixels = try readPixels(decoder, width: width, height: height, channels: format.channels)
            return try Image(width: width, height: height, format: format, pixels: pixels)
        }
    }

    /// Decodes a grayscale PNG (any bit depth, alpha dropped) to one byte per pixel.
    static func decodeGray(_ bytes: [UInt8], limits: DecodeLimits) throws(ImageError) -> Mask {
        try withDecoder(bytes, mode: XP_PNG_MODE_GRAY) { decoder, header throws(ImageError) in
            let width = Int(header.width), height = Int(header.height)
            try limits.check(width: width, height: height, format: .png)
            let values = try readPixels(decoder, width: width, height: height, channels: 1)
            return try Mask(width: width, height: height, values: values)
        }
    }

    /// Encodes 8-bit rows with 1 (gray), 3 (RGB) or 4 (RGBA) channels at zlib `level` 0...9.
    static func encode(
        _ pixels: [UInt8], width: Int, height: Int, stride: Int, channels: Int, level: Int
    ) throws(ImageError) -> [UInt8] {
        guard (0...9).contains(level) else {
            throw .invalidArgument("PNG compression level \(level) is outside 0...9")
        }
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw .invalidGeometry("cannot encode a \(width)×\(height) PNG")
        }
        guard stride >= width * channels, pixels.count >= (height - 1) * stride + width * channels else {
            throw .invalidGeometry("\(pixels.count) bytes do not hold \(width)×\(height)×\(channels) with stride \(stride)")
        }
        return try pixels.withUnsafeBufferPointer { (src) throws(ImageError) in
            try CodecOutput.collect(.png) { output, message in
                xp_png_encode(src.baseAddress, UInt32(width), UInt32(height), stride, Int32(channels),
                              Int32(level), output, message)
            }
        }
    }

    /// Creates a decoder over `bytes`, reads the header and hands both to `body`; the decoder
    /// is destroyed on every path.
    private static func withDecoder<T>(
        _ bytes: [UInt8], mode: Int32,
        _ body: (OpaquePointer, xp_header) throws(ImageError) -> T
    ) throws(ImageError) -> T {
        try bytes.withUnsafeBufferPointer { (src) throws(ImageError) -> T in
            guard let decoder = xp_png_decoder_create(src.baseAddress, src.count, mode) else {
                throw .tooLarge("PNG: out of memory creating the decoder")
            }
            defer { xp_png_decoder_destroy(decoder) }
            var header = xp_header()
            let status = xp_png_decoder_read_header(decoder, &header)
            guard status == XP_OK else {
                throw .codec(status, .png, String(cString: xp_png_decoder_message(decoder)))
            }
            return try body(decoder, header)
        }
    }

    private static func readPixels(_ decoder: OpaquePointer, width: Int, height: Int, channels: Int) throws(ImageError) -> [UInt8] {
        let stride = width * channels, total = stride * height
        var status = XP_OK
        let pixels = [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
            status = xp_png_decoder_read_pixels(decoder, buffer.baseAddress, stride)
            count = status == XP_OK ? total : 0
        }
        guard status == XP_OK else {
            throw .codec(status, .png, String(cString: xp_png_decoder_message(decoder)))
        }
        return pixels
    }
}
