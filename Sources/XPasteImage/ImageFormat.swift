/// The encoded image formats xpaste reads, identified by their magic bytes (never by file name).
public enum ImageFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// PNG: `89 50 4E 47 0D 0A 1A 0A`.
    case png
    /// JPEG: `FF D8 FF`.
    case jpeg
    /// WebP: `RIFF` ‹size› `WEBP`.
    case webp

    /// The format whose signature `bytes` starts with, or nil when none matches.
    public static func sniff(_ bytes: some Collection<UInt8>) -> ImageFormat? {
        let head = Array(bytes.prefix(12))
        if head.starts(with: pngSignature) { return .png }
        if head.starts(with: jpegSignature) { return .jpeg }
        if head.count == 12, head.starts(with: riffTag), Array(head[8..<12]) == webpTag { return .webp }
        return nil
    }

    /// The format whose signature `bytes` is a proper prefix of: input cut off inside the magic.
    static func truncatedSignature(_ bytes: some Collection<UInt8>) -> ImageFormat? {
        let head = Array(bytes.prefix(12))
        guard !head.isEmpty else { return nil }
        if head.count < pngSignature.count, pngSignature.starts(with: head) { return .png }
        if head.count < jpegSignature.count, jpegSignature.starts(with: head) { return .jpeg }
        if head.count < 12 {
            let riff = head.prefix(4), tag = head.dropFirst(8)
            if riffTag.starts(with: riff), webpTag.starts(with: tag) { return .webp }
        }
        return nil
    }

    /// The MIME type to serve the format with.
    public var mimeType: String {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .webp: "image/webp"
        }
    }

    /// The usual display name.
    var displayName: String {
        switch self {
        case .png: "PNG"
        case .jpeg: "JPEG"
        case .webp: "WebP"
        }
    }

    private static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    private static let jpegSignature: [UInt8] = [0xFF, 0xD8, 0xFF]
    private static let riffTag: [UInt8] = Array("RIFF".utf8)
    private static let webpTag: [UInt8] = Array("WEBP".utf8)
}
