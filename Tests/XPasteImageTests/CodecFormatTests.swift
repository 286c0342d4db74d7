import Foundation
import Testing
import XPasteImage
import XPasteTestSupport

/// Format sniffing by magic bytes, header info and the EXIF parser on hand-built structures.
@Suite struct CodecFormatTests {
    @Test func sniffUsesMagicBytesOnly() throws {
        #expect(ImageFormat.sniff(try CodecFixtures.shared("chelsea.png")) == .png)
        #expect(ImageFormat.sniff(try CodecFixtures.shared("rocket.jpg")) == .jpeg)
        #expect(ImageFormat.sniff(try CodecFixtures.bytes("lossy.webp")) == .webp)
        #expect(ImageFormat.sniff([UInt8]()) == nil)
        #expect(ImageFormat.sniff([0x89, 0x50, 0x4E, 0x47]) == nil) // a prefix is not a match
        #expect(ImageFormat.sniff(Array("RIFF\u{4}\0\0\0WAVE".utf8)) == nil)
        #expect(ImageFormat.sniff(Array("not an image".utf8)) == nil)
        // Works on any collection, e.g. a slice of a larger buffer.
        let bytes = try CodecFixtures.shared("rocket.jpg")
        #expect(ImageFormat.sniff(bytes[0..<3]) == .jpeg)
    }

    @Test func infoReportsFormatSizeAndAlpha() throws {
        let cases: [(String, ImageInfo)] = [
            ("rgba8.png", ImageInfo(format: .png, width: 40, height: 30, hasAlpha: true)),
            ("palette_trns.png", ImageInfo(format: .png, width: 48, height: 32, hasAlpha: true)),
            ("gray_trns.png", ImageInfo(format: .png, width: 37, height: 23, hasAlpha: true)),
            ("palette.png", ImageInfo(format: .png, width: 48, height: 32, hasAlpha: false)),
            ("rgb16.png", ImageInfo(format: .png, width: 33, height: 21, hasAlpha: false)),
            ("cmyk.jpg", ImageInfo(format: .jpeg, width: 48, height: 32, hasAlpha: false)),
            ("orientation_8.jpg", ImageInfo(format: .jpeg, width: 32, height: 48, hasAlpha: false)),
            ("lossy.webp", ImageInfo(format: .webp, width: 48, height: 32, hasAlpha: false)),
            ("lossy_alpha.webp", ImageInfo(format: .webp, width: 40, height: 30, hasAlpha: true)),
        ]
        for (name, expected) in cases {
            let bytes = try CodecFixtures.bytes(name)
            let info = try ImageCodec.info(bytes)
            #expect(info == expected, "\(name)")
            let image = try ImageCodec.decode(bytes)
            #expect(image.width == info.width && image.height == info.height && image.format == info.pixelFormat, "\(name)")
        }
    }

    @Test func everyFixtureDecodesToItsInfo() throws {
        let names = try CodecFixtures.all()
        #expect(names.count >= 30)
        for name in names where !name.hasPrefix("bomb") {
            let bytes = try CodecFixtures.bytes(name)
            let info = try ImageCodec.info(bytes)
            let image = try ImageCodec.decode(bytes)
            #expect(image.width == info.width && image.height == info.height && image.format == info.pixelFormat, "\(name)")
            #expect(image.pixels.count == image.width * image.height * image.format.channels, "\(name)")
        }
    }

    @Test func defaultLimits() {
        #expect(DecodeLimits.default.maxPixels == 50_000_000)
        #expect(DecodeLimits.default.maxInputBytes == 64 << 20)
    }

    @Test func exifOrientationFromBigEndianLongEntry() {
        // "MM", 42, IFD0 at 8, one entry: tag 0x0112, type LONG, count 1, value 6.
        let tiff: [UInt8] = [0x4D, 0x4D, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 4, 0, 0, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0]
        #expect(Self.orientation(inJPEGWithExif: tiff) == .rightTop)
    }

    @Test func exifOrientationFromLittleEndianShortEntryAfterOtherTags() {
        // "II", 42, IFD0 at 8, two entries: ImageWidth, then Orientation = 3.
        let tiff: [UInt8] = [0x49, 0x49, 42, 0, 8, 0, 0, 0, 2, 0,
                             0x00, 0x01, 3, 0, 1, 0, 0, 0, 64, 0, 0, 0,
                             0x12, 0x01, 3, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0]
        #expect(Self.orientation(inJPEGWithExif: tiff) == .bottomRight)
    }

    @Test func malformedExifMeansUpright() {
        // IFD offset past the end, an out-of-range value, and a wrong byte-order mark.
        let pastEnd: [UInt8] = [0x49, 0x49, 42, 0, 0xFF, 0, 0, 0]
        let badValue: [UInt8] = [0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 9, 0, 0, 0]
        let badOrder: [UInt8] = [0x49, 0x4D, 42, 0, 8, 0, 0, 0]
        for tiff in [pastEnd, badValue, badOrder] {
            #expect(Self.orientation(inJPEGWithExif: tiff) == .topLeft)
        }
        // A truncated APP1 length is ignored rather than read past the end.
        let cut: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00, 0x45, 0x78]
        #expect(cut.withUnsafeBufferPointer { EXIFOrientation.inJPEG($0) } == .topLeft)
    }

    @Test func orientationTransformsOnATinyImage() throws {
        // 3×2 RGB with pixel values 0...5 in the red channel:  0 1 2 / 3 4 5
        let image = try Image(width: 3, height: 2, format: .rgb8, pixels: (0..<6).flatMap { [UInt8($0), 0, 0] })
        func reds(_ o: EXIFOrientation) -> [UInt8] {
            let out = o.applied(to: image)
            return Swift.stride(from: 0, to: out.pixels.count, by: 3).map { out.pixels[$0] }
        }
        #expect(reds(.topLeft) == [0, 1, 2, 3, 4, 5])
        #expect(reds(.topRight) == [2, 1, 0, 5, 4, 3])
        #expect(reds(.bottomRight) == [5, 4, 3, 2, 1, 0])
        #expect(reds(.bottomLeft) == [3, 4, 5, 0, 1, 2])
        #expect(reds(.leftTop) == [0, 3, 1, 4, 2, 5])
        #expect(reds(.rightTop) == [3, 0, 4, 1, 5, 2])
        #expect(reds(.rightBottom) == [5, 2, 4, 1, 3, 0])
        #expect(reds(.leftBottom) == [2, 5, 1, 4, 0, 3])
        #expect(EXIFOrientation.rightTop.applied(to: image).width == 2)
    }

    private static func orientation(inJPEGWithExif tiff: [UInt8]) -> EXIFOrientation {
        let payload = Array("Exif".utf8) + [0, 0] + tiff
        let length = payload.count + 2
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, // a short APP0 first
                             0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload + [0xFF, 0xDA, 0, 2]
        return jpeg.withUnsafeBufferPointer { EXIFOrientation.inJPEG($0) }
    }
}
