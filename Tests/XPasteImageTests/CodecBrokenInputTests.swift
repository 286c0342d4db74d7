import Foundation
import Testing
import XPasteImage
import XPasteTestSupport

/// A corpus of broken inputs generated here from real files, each asserting the exact error
/// case: truncation anywhere is `.truncated`, damage is `.corrupt`, oversize is `.tooLarge`,
/// non-images are `.unsupportedFormat`, nothing is `.empty`. None may crash (and the valgrind
/// run in docs shows none leaks).
@Suite struct CodecBrokenInputTests {
    private static func decodeError(_ bytes: [UInt8], limits: DecodeLimits = .default) -> ImageError? {
        do {
            _ = try ImageCodec.decode(bytes, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    private static func expectError(_ bytes: [UInt8], _ code: String, limits: DecodeLimits = .default,
                                    _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let error = decodeError(bytes, limits: limits)
        #expect(error?.code == code, "\(what): got \(error.map { "\($0)" } ?? "a decoded image")",
                sourceLocation: sourceLocation)
    }

    // MARK: nothing, non-images, wrong magic

    @Test func emptyInputIsEmpty() throws {
        Self.expectError([], "image.empty", "no bytes")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-empty-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ImageError.empty) { try ImageCodec.decode(contentsOf: path) }
        #expect(throws: ImageError.empty) { try ImageCodec.info([]) }
    }

    @Test func nonImagesAreUnsupported() throws {
        Self.expectError(Array("hello, this is a text file\n".utf8), "image.unsupported_format", "text")
        Self.expectError(Array("GIF89a\u{1}\0\u{1}\0".utf8), "image.unsupported_format", "GIF")
        Self.expectError([UInt8](repeating: 0, count: 100), "image.unsupported_format", "zero bytes")
        Self.expectError(Array("<svg xmlns='http://www.w3.org/2000/svg'/>".utf8), "image.unsupported_format", "SVG")
    }

    @Test func wrongMagicIsUnsupported() throws {
        var png = try CodecFixtures.shared("chelsea.png")
        png[1] = UInt8(ascii: "X") // \x89XNG
        Self.expectError(png, "image.unsupported_format", "PNG with a wrong signature")
        var jpeg = try CodecFixtures.shared("rocket.jpg")
        jpeg[1] = 0xD9 // FF D9: EOI where SOI belongs
        Self.expectError(jpeg, "image.unsupported_format", "JPEG with a wrong SOI")
        var webp = try CodecFixtures.bytes("lossy.webp")
        webp[8] = UInt8(ascii: "A") // RIFF....AEBP, e.g. a WAVE-like container
        Self.expectError(webp, "image.unsupported_format", "RIFF that is not WebP")
    }

    // MARK: truncation

    @Test(arguments: ["chelsea.png", "horse.png", "rocket.jpg"])
    func truncatedSharedImagesAreTruncated(name: String) throws {
        let bytes = try CodecFixtures.shared(name)
        let n = bytes.count
        // Inside the signature, right after it, inside the first header/segment, several points
        // in the pixel data, and cutting only the final IEND / EOI.
        let cuts = [1, 2, 3, 8, 16, 20, 33, 60, 200, n / 3, n / 2, n - 100, n - 12, n - 2, n - 1]
        for cut in cuts {
            Self.expectError(Array(bytes[0..<cut]), "image.truncated", "\(name) cut at \(cut) of \(n)")
        }
    }

    @Test(arguments: ["lossy.webp", "lossless_alpha.webp", "lossy_alpha.webp", "progressive.jpg", "interlaced_rgb.png", "cmyk.jpg"])
    func truncatedFixturesAreTruncated(name: String) throws {
        let bytes = try CodecFixtures.bytes(name)
        let n = bytes.count
        for cut in [1, 4, 11, 12, 20, 30, n / 2, n - 10, n - 1] {
            Self.expectError(Array(bytes[0..<cut]), "image.truncated", "\(name) cut at \(cut) of \(n)")
        }
    }

    // MARK: corruption

    @Test func bitFlippedPNGIsCorrupt() throws {
        let png = try CodecFixtures.shared("chelsea.png")
        var header = png
        header[18] ^= 0x01 // a width byte inside IHDR: its CRC no longer matches
        Self.expectError(header, "image.corrupt", "PNG with a flipped IHDR bit")
        var data = png
        data[png.count / 2] ^= 0x10 // inside IDAT
        Self.expectError(data, "image.corrupt", "PNG with a flipped IDAT bit")
    }

    @Test func bitFlippedPNGWithFixedCRCIsCorrupt() throws {
        // With the CRC recomputed the chunk is accepted, so zlib must notice the damage.
        var png = try CodecFixtures.shared("horse.png")
        let idat = try #require(Self.chunkOffset(png, "IDAT"))
        let length = Int(png[idat]) << 24 | Int(png[idat + 1]) << 16 | Int(png[idat + 2]) << 8 | Int(png[idat + 3])
        png[idat + 8] ^= 0x20 // the zlib header's CMF byte: an invalid compression method
        Self.rewriteCRC(&png, chunkAt: idat, length: length)
        Self.expectError(png, "image.corrupt", "PNG with a bad zlib header")
    }

    @Test func damagedJPEGIsCorrupt() throws {
        let jpeg = try CodecFixtures.shared("rocket.jpg")
        let sof = try #require(Self.markerOffset(jpeg, 0xC0))
        var components = jpeg
        components[sof + 9] ^= 0x04 // 3 components → 7: the SOF length no longer fits
        Self.expectError(components, "image.corrupt", "JPEG with a flipped component-count bit")

        let dqt = try #require(Self.markerOffset(jpeg, 0xDB))
        var table = jpeg
        table[dqt + 4] ^= 0x08 // table id 0 → 8 (only 0...3 exist)
        Self.expectError(table, "image.corrupt", "JPEG with a flipped DQT index bit")

        // A marker in the middle of entropy-coded data: libjpeg would warn and paint the rest
        // gray; we report it.
        let sos = try #require(Self.markerOffset(jpeg, 0xDA))
        var scan = jpeg
        let middle = sos + (jpeg.count - sos) / 2
        scan[middle] = 0xFF
        scan[middle + 1] = 0xD3
        Self.expectError(scan, "image.corrupt", "JPEG with a stray RST marker in the scan")
    }

    @Test func damagedWebPIsCorrupt() throws {
        var lossy = try CodecFixtures.bytes("lossy.webp")
        #expect(Array(lossy[12..<16]) == Array("VP8 ".utf8))
        lossy[23] ^= 0x01 // VP8 start code 9D 01 2A
        Self.expectError(lossy, "image.corrupt", "WebP with a flipped start-code bit")
        var lossless = try CodecFixtures.bytes("lossless_alpha.webp")
        let vp8l = try #require(Self.find(lossless, Array("VP8L".utf8)))
        lossless[vp8l + 8] ^= 0x01 // VP8L signature byte 0x2F
        Self.expectError(lossless, "image.corrupt", "WebP with a flipped VP8L signature bit")
    }

    // MARK: size limits

    @Test func giantPNGHeaderIsTooLargeBeforeAllocation() throws {
        let png = Self.craftedPNG(width: 65535, height: 65535)
        Self.expectError(png, "image.too_large", "65535×65535 PNG header")
        let info = try ImageCodec.info(png)
        #expect(info.width == 65535 && info.height == 65535 && info.format == .png)
        // A colour PNG is refused as a mask before its size matters.
        #expect(ImageErrorCode.of { () throws(ImageError) in _ = try ImageCodec.decodeMask(png) } == "image.unsupported_format")
    }

    @Test func zeroDimensionHeadersAreCorrupt() throws {
        Self.expectError(Self.craftedPNG(width: 0, height: 10), "image.corrupt", "PNG 0×10")
        Self.expectError(Self.craftedPNG(width: 10, height: 0), "image.corrupt", "PNG 10×0")
        var jpeg = try CodecFixtures.shared("rocket.jpg")
        let sof = try #require(Self.markerOffset(jpeg, 0xC0))
        jpeg[sof + 7] = 0
        jpeg[sof + 8] = 0 // width 0
        Self.expectError(jpeg, "image.corrupt", "JPEG of width 0")
    }

    @Test func giantJPEGHeaderIsTooLarge() throws {
        var jpeg = try CodecFixtures.shared("rocket.jpg")
        let sof = try #require(Self.markerOffset(jpeg, 0xC0))
        for k in 5...8 { jpeg[sof + k] = k % 2 == 1 ? 0xFF : 0xDC } // 65500 × 65500
        Self.expectError(jpeg, "image.too_large", "65500×65500 JPEG header")
        #expect(try ImageCodec.info(jpeg).width == 65500)
    }

    @Test func giantWebPHeaderIsTooLarge() throws {
        var webp = try CodecFixtures.bytes("lossy.webp")
        for k in 26...29 { webp[k] = k % 2 == 0 ? 0xFF : 0x3F } // 16383 × 16383, the format's maximum
        Self.expectError(webp, "image.too_large", "16383×16383 WebP header")
        #expect(try ImageCodec.info(webp).height == 16383)
    }

    @Test func decompressionBombIsTooLarge() throws {
        let bomb = try CodecFixtures.bytes("bomb_100mp.png")
        #expect(bomb.count < 200_000)
        Self.expectError(bomb, "image.too_large", "100-megapixel PNG bomb")
        #expect(ImageErrorCode.of { () throws(ImageError) in _ = try ImageCodec.decodeMask(bomb) } == "image.too_large")
        let info = try ImageCodec.info(bomb)
        #expect(info.width == 10000 && info.height == 10000)
    }

    @Test func customPixelLimitApplies() throws {
        let png = try CodecFixtures.shared("chelsea.png") // 451 × 300
        Self.expectError(png, "image.too_large", limits: DecodeLimits(maxPixels: 451 * 300 - 1), "one pixel over")
        #expect(throws: Never.self) { try ImageCodec.decode(png, limits: DecodeLimits(maxPixels: 451 * 300)) }
        let jpeg = try CodecFixtures.shared("rocket.jpg")
        Self.expectError(jpeg, "image.too_large", limits: DecodeLimits(maxPixels: 1000), "JPEG")
        let webp = try CodecFixtures.bytes("lossy.webp")
        Self.expectError(webp, "image.too_large", limits: DecodeLimits(maxPixels: 1000), "WebP")
    }

    @Test func inputByteLimitApplies() throws {
        let png = try CodecFixtures.shared("horse.png")
        Self.expectError(png, "image.too_large", limits: DecodeLimits(maxInputBytes: png.count - 1), "bytes")
        #expect(throws: Never.self) { try ImageCodec.decode(png, limits: DecodeLimits(maxInputBytes: png.count)) }
    }

    @Test func oversizedFileIsRefusedBeforeReading() throws {
        // A sparse 4 GiB file: reading it would take seconds and gigabytes; refusing is instant.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-huge-\(UUID().uuidString).png").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(try CodecFixtures.shared("horse.png")))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.truncate(atOffset: 4 << 30)
        try handle.close()
        let start = Date()
        #expect(ImageErrorCode.of { () throws(ImageError) in _ = try ImageCodec.decode(contentsOf: path) } == "image.too_large")
        #expect(ImageErrorCode.of { () throws(ImageError) in _ = try ImageCodec.readFile(path) } == "image.too_large")
        #expect(Date().timeIntervalSince(start) < 1)

    }

    @Test func unreadablePathsAreReadFailed() throws {
        #expect(ImageErrorCode.of { () throws(ImageError) in _ = try ImageCodec.decode(contentsOf: "/nonexistent/xpaste.png") } == "image.read_failed")
        let directory = FileManager.default.temporaryDirectory.path
        #expect(ImageErrorCode.of { () throws(ImageError) in _ = try ImageCodec.decode(contentsOf: directory) } == "image.read_failed")
    }

    @Test func garbageAfterAValidSignatureNeverCrashes() throws {
        // Deterministic pseudo-random tails: the exact case depends on the bytes, but it must be
        // one of the decode errors, never a crash or an image.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let heads: [[UInt8]] = [
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], [0xFF, 0xD8, 0xFF],
            Array("RIFF".utf8) + [0xF0, 0, 0, 0] + Array("WEBPVP8 ".utf8),
        ]
        for head in heads {
            for length in [1, 7, 64, 1000] {
                let tail = (0..<length).map { _ -> UInt8 in
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    return UInt8(truncatingIfNeeded: state >> 33)
                }
                let error = Self.decodeError(head + tail)
                #expect(["image.corrupt", "image.truncated", "image.unsupported_format", "image.too_large"]
                    .contains(error?.code ?? "decoded"), "\(head.count)+\(length): \(String(describing: error))")
            }
        }
    }

    // MARK: helpers

    /// Offset of the first JPEG marker FF `code`.
    private static func markerOffset(_ bytes: [UInt8], _ code: UInt8) -> Int? {
        find(bytes, [0xFF, code])
    }

    private static func find(_ bytes: [UInt8], _ needle: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        return (0...(bytes.count - needle.count)).first { i in
            needle.indices.allSatisfy { bytes[i + $0] == needle[$0] }
        }
    }

    /// Offset of the length field of the first chunk named `type`.
    private static func chunkOffset(_ png: [UInt8], _ type: String) -> Int? {
        find(png, Array(type.utf8)).map { $0 - 4 }
    }

    private static func rewriteCRC(_ png: inout [UInt8], chunkAt offset: Int, length: Int) {
        let crc = crc32(png[(offset + 4)..<(offset + 8 + length)])
        for k in 0..<4 { png[offset + 8 + length + k] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * k)) }
    }

    /// A minimal valid-CRC PNG claiming `width × height` RGB with an empty zlib stream.
    private static func craftedPNG(width: UInt32, height: UInt32) -> [UInt8] {
        func be(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return be(UInt32(data.count)) + body + be(crc32(body[...]))
        }
        let ihdr = be(width) + be(height) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr)
            + chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) + chunk("IEND", [])
    }

    private static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
