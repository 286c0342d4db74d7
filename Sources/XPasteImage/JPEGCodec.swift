import CCodecs

/// JPEG decoding and encoding through libjpeg-turbo's libjpeg API (the C side owns every
/// setjmp). Decoding applies the EXIF orientation.
enum JPEGCodec {
    /// The header of a JPEG, with width and height as displayed (after EXIF orientation).
    static func info(_ bytes: [UInt8]) throws(ImageError) -> ImageInfo {
        try withDecoder(bytes) { _, header, orientation throws(ImageError) in
            let w = Int(header.width), h = Int(header.height)
            return ImageInfo(format: .jpeg, width: orientation.swapsDimensions ? h : w,
                             height: orientation.swapsDimensions ? w : h, hasAlpha: false)
        }
    }

    /// Decodes to `.rgb8` (grayscale replicated, CMYK converted), upright per EXIF.
    static func decode(_ bytes: [UInt8], limits: DecodeLimits) throws(ImageError) -> Image {
        try withDecoder(bytes) { decoder, header, orientation throws(ImageError) in
            let width = Int(header.width), height = Int(header.height)
            try limits.check(width: width, height: height, format: .jpeg)
            let stride = width * 3, total = stride * height
            var status = XP_OK
            let pixels = [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
                status = xp_jpeg_decoder_read_pixels(decoder, buffer.baseAddress, stride)
                count = status == XP_OK ? total : 0
            }
            guard status == XP_OK else {
                throw .codec(status, .jpeg, String(cString: xp_jpeg_decoder_message(decoder)))
            }
            return orientation.applied(to: try Image(width: width, height: height, format: .rgb8, pixels: pixels))
        }
    }

    /// Encodes RGB rows as a baseline 4:2:0 JPEG at `quality` 1...100.
    static func encode(_ image: Image, quality: Int) throws(ImageError) -> [UInt8] {
        guard image.format == .rgb8 else {
            throw .invalidArgument("JPEG has no alpha channel: composite the RGBA image onto a background (or drop its alpha) before encoding")
        }
        guard (1...100).contains(quality) else {
            throw .invalidArgument("JPEG quality \(quality) is outside 1...100")
        }
        guard image.width > 0, image.height > 0, image.width <= 65500, image.height <= 65500 else {
            throw .invalidGeometry("cannot encode a \(image.width)×\(image.height) JPEG (1...65500 per side)")
        }
        let rowBytes = image.width * 3
        guard image.stride >= rowBytes, image.pixels.count >= (image.height - 1) * image.stride + rowBytes else {
            throw .invalidGeometry("\(image.pixels.count) bytes do not hold \(image.width)×\(image.height) RGB with stride \(image.stride)")
        }
        return try image.pixels.withUnsafeBufferPointer { (src) throws(ImageError) in
            try CodecOutput.collect(.jpeg) { output, message in
                xp_jpeg_encode(src.baseAddress, UInt32(image.width), UInt32(image.height), image.stride,
                               Int32(quality), output, message)
            }
        }
    }

    /// Creates a decoder, reads the header and the EXIF orientation, and hands them to `body`;
    /// the decoder is destroyed on every path.
    private static func withDecoder<T>(
        _ bytes: [UInt8],
        _ body: (OpaquePointer, xp_header, EXIFOrientation) throws(ImageError) -> T
    ) throws(ImageError) -> T {
        try bytes.withUnsafeBufferPointer { (src) throws(ImageError) -> T in
            guard let decoder = xp_jpeg_decoder_create(src.baseAddress, src.count) else {
                throw .tooLarge("JPEG: out of memory creating the decoder")
            }
            defer { xp_jpeg_decoder_destroy(decoder) }
            var header = xp_header()
            let status = xp_jpeg_decoder_read_header(decoder, &header)
            guard status == XP_OK else {
                throw .codec(status, .jpeg, String(cString: xp_jpeg_decoder_message(decoder)))
            }
            return try body(decoder, header, EXIFOrientation.inJPEG(src))
        }
    }
}
