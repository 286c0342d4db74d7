/// Decoding and encoding of PNG, JPEG and WebP images.
///
/// The format is sniffed from the magic bytes, never taken from a file name. Decoding checks
/// `DecodeLimits` against the header before allocating pixel buffers, and every broken input
/// maps to a typed `ImageError`: `.empty`, `.unsupportedFormat`, `.truncated`, `.corrupt` or
/// `.tooLarge`. All functions are synchronous, keep no shared state and are safe to call from
/// many threads at once; they block the calling thread for the length of the work, so async
/// callers should run them off the cooperative pool.
public enum ImageCodec {
    /// Decodes a PNG, JPEG or WebP image.
    ///
    /// The result is `.rgba8` when the file carries transparency (an alpha channel, or a PNG tRNS
    /// chunk) and `.rgb8` otherwise: grayscale and palette images expand to RGB, 16-bit PNG
    /// samples keep their high byte, CMYK JPEGs are converted as Pillow does, and a JPEG's EXIF
    /// orientation is applied so the pixels come out upright. A file that ends early (including
    /// a missing PNG IEND or JPEG EOI) is `.truncated`, never a partly gray image.
    public static func decode(_ bytes: [UInt8], limits: DecodeLimits = .default) throws(ImageError) -> Image {
        switch try detect(bytes, limits: limits) {
        case .png: try PNGCodec.decode(bytes, limits: limits)
        case .jpeg: try JPEGCodec.decode(bytes, limits: limits)
        case .webp: try WebPCodec.decode(bytes, limits: limits)
        }
    }

    /// Reads and decodes the image file at `path`; a file over `limits.maxInputBytes` is refused
    /// before it is read. A missing or unreadable file is `.readFailed`.
    public static func decode(contentsOf path: String, limits: DecodeLimits = .default) throws(ImageError) -> Image {
        try decode(readFile(path, limits: limits), limits: limits)
    }

    /// The whole file at `path` when it is at most `limits.maxInputBytes` long (checked before
    /// reading), for callers that keep the encoded bytes as well as the pixels.
    public static func readFile(_ path: String, limits: DecodeLimits = .default) throws(ImageError) -> [UInt8] {
        try ImageFileReader.read(path, maxBytes: limits.maxInputBytes)
    }

    /// Format, displayed size (after JPEG EXIF orientation) and transparency, from the headers
    /// alone. Applies no pixel limit, so callers can see how large a refused image is.
    public static func info(_ bytes: [UInt8]) throws(ImageError) -> ImageInfo {
        switch try detect(bytes, limits: nil) {
        case .png: try PNGCodec.info(bytes)
        case .jpeg: try JPEGCodec.info(bytes)
        case .webp: try WebPCodec.info(bytes)
        }
    }

    /// Encodes an RGB or RGBA image as an 8-bit PNG; `compressionLevel` is zlib's 0 (store,
    /// fastest) to 9 (smallest); another level is `.invalidArgument`. Any row stride is accepted.
    public static func encodePNG(_ image: Image, compressionLevel: Int = 6) throws(ImageError) -> [UInt8] {
        try PNGCodec.encode(image.pixels, width: image.width, height: image.height, stride: image.stride,
                            channels: image.format.channels, level: compressionLevel)
    }

    /// Encodes an `.rgb8` image as a baseline JPEG (4:2:0 chroma, `quality` 1...100, the same
    /// settings Pillow uses by default, giving byte-identical files). An `.rgba8` image is refused
    /// with `.invalidArgument` rather than silently losing its alpha: composite it onto a
    /// background first. A quality outside 1...100 is `.invalidArgument` too.
    public static func encodeJPEG(_ image: Image, quality: Int = 90) throws(ImageError) -> [UInt8] {
        try JPEGCodec.encode(image, quality: quality)
    }

    /// Encodes a mask as an 8-bit grayscale PNG.
    public static func encodePNG(_ mask: Mask, compressionLevel: Int = 6) throws(ImageError) -> [UInt8] {
        try PNGCodec.encode(mask.values, width: mask.width, height: mask.height, stride: mask.width,
                            channels: 1, level: compressionLevel)
    }

    /// Decodes a grayscale PNG (any bit depth; 16-bit keeps the high byte, an alpha channel is
    /// dropped) into a mask. Colour PNGs and other formats are `.unsupportedFormat`.
    public static func decodeMask(_ bytes: [UInt8], limits: DecodeLimits = .default) throws(ImageError) -> Mask {
        let format = try detect(bytes, limits: limits)
        guard format == .png else {
            throw .unsupportedFormat("masks are stored as grayscale PNG, got \(format.displayName)")
        }
        return try PNGCodec.decodeGray(bytes, limits: limits)
    }

    /// The format of `bytes`, or the error for input that is empty, too long, cut off inside its
    /// signature, or not an image we read.
    private static func detect(_ bytes: [UInt8], limits: DecodeLimits?) throws(ImageError) -> ImageFormat {
        guard !bytes.isEmpty else { throw .empty }
        if let limits { try limits.check(inputBytes: bytes.count) }
        if let format = ImageFormat.sniff(bytes) { return format }
        if let format = ImageFormat.truncatedSignature(bytes) {
            throw .truncated("\(format.displayName) signature cut off after \(bytes.count) bytes")
        }
        // The message never quotes the bytes: a path pointed at a secret must not echo its contents.
        throw .unsupportedFormat("\(bytes.count) bytes without a PNG, JPEG or WebP signature")
    }
}
