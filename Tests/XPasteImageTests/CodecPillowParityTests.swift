import Foundation
import Testing
import XPasteImage
import XPasteTestSupport

/// Our decodes against Pillow 11.3's on the same files, pixel for pixel. Every PNG colour type and
/// bit depth, and the JPEG (baseline, progressive, 4:4:4, gray, CMYK) and WebP (lossy, lossless,
/// with alpha) decodes come out identical to Pillow's (max abs diff 0), even though Pillow ships
/// libjpeg-turbo 3.1.1 / libwebp 1.5.0 and we link the system's 2.1.5 / 1.2.4; so the tests
/// demand identity rather than the ±1 a version change could in principle justify. Our JPEG
/// encoder's files are byte-identical to Pillow's at the same quality.
@Suite struct CodecPillowParityTests {
    static let pngFixtures = [
        "gray8.png", "gray1.png", "gray_trns.png", "gray_alpha.png", "palette.png", "palette_trns.png",
        "palette_4bit.png", "rgb_trns.png", "rgba8.png", "gray16.png", "rgb16.png", "rgba16.png",
        "gray_alpha16.png", "interlaced_rgb.png",
    ]
    static let lossyFixtures = [
        "gray.jpg", "cmyk.jpg", "progressive.jpg", "subsampling_444.jpg",
        "lossy.webp", "lossless_alpha.webp", "lossy_alpha.webp",
    ]

    @Test func sharedPhotosMatchPillow() throws {
        let paths = SharedData.imageNames.map { SharedData.image($0).path }
        let reference = try PillowReference.decode(paths)
        for (name, expected) in zip(SharedData.imageNames, reference) {
            let ours = try ImageCodec.decode(contentsOf: SharedData.image(name).path)
            let diff = try #require(PixelCompare.maxAbsDiff(ours, expected), "\(name): geometry/format differ")
            if name.hasSuffix(".png") {
                #expect(diff == 0, "\(name): PNG differs from Pillow by \(diff)")
            } else {
                #expect(diff == 0, "\(name): JPEG differs from Pillow by \(diff)")
            }
        }
    }

    @Test func everyPNGLayoutMatchesPillowExactly() throws {
        let paths = try Self.pngFixtures.map(CodecFixtures.path)
        let reference = try PillowReference.decode(paths)
        for (name, expected) in zip(Self.pngFixtures, reference) {
            let ours = try ImageCodec.decode(CodecFixtures.bytes(name))
            #expect(ours.format == expected.format, "\(name)")
            #expect(PixelCompare.maxAbsDiff(ours, expected) == 0, "\(name)")
        }
    }

    @Test func grayCMYKProgressiveJPEGAndWebPMatchPillow() throws {
        let paths = try Self.lossyFixtures.map(CodecFixtures.path)
        let reference = try PillowReference.decode(paths)
        for (name, expected) in zip(Self.lossyFixtures, reference) {
            let ours = try ImageCodec.decode(CodecFixtures.bytes(name))
            let diff = try #require(PixelCompare.maxAbsDiff(ours, expected), "\(name): geometry/format differ")
            #expect(diff == 0, "\(name): differs from Pillow by \(diff)")
        }
    }

    @Test func exifOrientationMatchesPillowExifTranspose() throws {
        let names = (1...8).map { "orientation_\($0).jpg" }
        let reference = try PillowReference.decode(try names.map(CodecFixtures.path), exifTranspose: true)
        var decoded: [Image] = []
        for (name, expected) in zip(names, reference) {
            let bytes = try CodecFixtures.bytes(name)
            let ours = try ImageCodec.decode(bytes)
            #expect(ours.width == expected.width && ours.height == expected.height, "\(name)")
            #expect(PixelCompare.maxAbsDiff(ours, expected) == 0, "\(name)")
            let info = try ImageCodec.info(bytes)
            #expect(info.width == ours.width && info.height == ours.height, "\(name): info reports stored size")
            decoded.append(ours)
        }
        // The eight files hold the same stored pixels, so the transforms must all differ.
        #expect(Set(decoded).count == 8)
        #expect(decoded[5].width == 32 && decoded[5].height == 48)
    }

    @Test func maskDecodingMatchesPillowOnEveryGrayLayout() throws {
        let reference = try PillowReference.decode(try ["gray8.png", "gray16.png", "gray1.png", "gray_alpha.png"].map(CodecFixtures.path))
        for (name, expected) in zip(["gray8.png", "gray16.png", "gray1.png", "gray_alpha.png"], reference) {
            let mask = try ImageCodec.decodeMask(CodecFixtures.bytes(name))
            let step = expected.format.channels
            #expect(mask.values == Swift.stride(from: 0, to: expected.pixels.count, by: step).map { expected.pixels[$0] }, "\(name)")
        }
    }

    /// Same libjpeg settings as Pillow (`jpeg_set_defaults` + `jpeg_set_quality`, islow DCT), so
    /// the files are byte for byte the same, not merely close.
    @Test(arguments: [("chelsea.png", 90), ("coffee.png", 75), ("astronaut.png", 95)])
    func jpegEncodingIsByteIdenticalToPillow(name: String, quality: Int) throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-pillow-\(UUID().uuidString).jpg")
        defer { try? FileManager.default.removeItem(at: output) }
        try ReferencePython.run(script: "Tests/XPasteImageTests/Reference/pillow_encode_jpeg.py",
                                arguments: [SharedData.image(name).path, String(quality), output.path])
        let pillow = [UInt8](try Data(contentsOf: output))
        let ours = try ImageCodec.encodeJPEG(try ImageCodec.decode(contentsOf: SharedData.image(name).path), quality: quality)
        #expect(ours.count == pillow.count, "\(name) q\(quality)")
        #expect(ours == pillow, "\(name) q\(quality)")
    }
}
