import CCodecs

/// WebP decoding through libwebp (still images; animations are refused).
enum WebPCodec {
    /// The header of a WebP file.
    static func info(_ bytes: [UInt8]) throws(ImageError) -> ImageInfo {
        let header = try readHeader(bytes)
        return ImageInfo(format: .webp, width: Int(header.width), height: Int(header.height), hasAlpha: header.has_alpha != 0)
    }

    /// Decodes to `.rgba8` when the bitstream has alpha, else `.rgb8`.
    static func decode(_ bytes: [UInt8], limits: DecodeLimits) throws(ImageError) -> Image {
        let header = try readHeader(bytes)
        let width = Int(header.width), height = Int(header.height)
        try limits.check(width: width, height: height, format: .webp)
        let format: PixelFormat = header.channels == 4 ? .rgba8 : .rgb8
        let stride = width * format.channels, total = stride * height
        var message = [CChar](repeating: 0, count: Int(XP_MESSAGE_MAX))
        var status = XP_OK
        let pixels = bytes.withUnsafeBufferPointer { src in
            message.withUnsafeMutableBufferPointer { text in
                [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
                    status = xp_webp_decode(src.baseAddress, src.count, buffer.baseAddress, stride,
                                            header.height, Int32(format.channels), text.baseAddress!)
                    count = status == XP_OK ? total : 0
                }
            }
        }
        guard status == XP_OK else { throw .codec(status, .webp, CodecOutput.text(message)) }
        return try Image(width: width, height: height, format: format, pixels: pixels)
    }

    private static func readHeader(_ bytes: [UInt8]) throws(ImageError) -> xp_header {
        var header = xp_header()
        var message = [CChar](repeating: 0, count: Int(XP_MESSAGE_MAX))
        let status = bytes.withUnsafeBufferPointer { src in
            message.withUnsafeMutableBufferPointer { xp_webp_read_header(src.baseAddress, src.count, &header, $0.baseAddress!) }
        }
        guard status == XP_OK else { throw .codec(status, .webp, CodecOutput.text(message)) }
        return header
    }
}
