import Foundation
import Testing
import XPasteImage
import XPasteTestSupport

/// Encode → decode round trips on every shared photo: PNG must be lossless, JPEG at quality 90
/// must stay at or above 32 dB PSNR (measured: 34.0 dB for rocket.jpg up to 49.2 dB for horse.png).
@Suite struct CodecRoundTripTests {
    static let minimumJPEGPSNR = 32.0

    @Test(arguments: SharedData.imageNames)
    func pngRoundTripIsLossless(name: String) throws {
        let image = try ImageCodec.decode(contentsOf: SharedData.image(name).path)
        let encoded = try ImageCodec.encodePNG(image)
        #expect(ImageFormat.sniff(encoded) == .png)
        let back = try ImageCodec.decode(encoded)
        #expect(back == image)
        let info = try ImageCodec.info(encoded)
        #expect(info == ImageInfo(format: .png, width: image.width, height: image.height, hasAlpha: image.format == .rgba8))
    }

    @Test(arguments: SharedData.imageNames)
    func jpegRoundTripStaysClose(name: String) throws {
        let image = PixelCompare.rgb(try ImageCodec.decode(contentsOf: SharedData.image(name).path))
        let encoded = try ImageCodec.encodeJPEG(image, quality: 90)
        #expect(ImageFormat.sniff(encoded) == .jpeg)
        let back = try ImageCodec.decode(encoded)
        #expect(back.width == image.width && back.height == image.height && back.format == .rgb8)
        let psnr = PixelCompare.psnr(image, back)
        #expect(psnr >= Self.minimumJPEGPSNR, "\(name): \(psnr) dB")
    }

    @Test func jpegQualityTradesSizeForFidelity() throws {
        let image = try ImageCodec.decode(contentsOf: SharedData.image("coffee.png").path)
        let low = try ImageCodec.encodeJPEG(image, quality: 40)
        let high = try ImageCodec.encodeJPEG(image, quality: 95)
        #expect(low.count < high.count)
        #expect(PixelCompare.psnr(image, try ImageCodec.decode(low)) < PixelCompare.psnr(image, try ImageCodec.decode(high)))
    }

    @Test func pngCompressionLevelsAllDecodeToTheSamePixels() throws {
        let image = try ImageCodec.decode(contentsOf: SharedData.image("horse.png").path)
        var sizes: [Int] = []
        for level in [0, 1, 6, 9] {
            let encoded = try ImageCodec.encodePNG(image, compressionLevel: level)
            #expect(try ImageCodec.decode(encoded) == image, "level \(level)")
            sizes.append(encoded.count)
        }
        #expect(sizes[0] > image.pixels.count) // stored, not compressed
        #expect(sizes[3] < sizes[1])
    }

    @Test func paddedRowsEncodeLikePackedOnes() throws {
        let packed = try ImageCodec.decode(contentsOf: SharedData.image("chelsea.png").path)
        let rowBytes = packed.width * 3, stride = rowBytes + 5
        var padded = [UInt8](repeating: 0xAB, count: stride * packed.height)
        for y in 0..<packed.height {
            padded.replaceSubrange((y * stride)..<(y * stride + rowBytes), with: packed.pixels[(y * rowBytes)..<((y + 1) * rowBytes)])
        }
        let image = try Image(width: packed.width, height: packed.height, format: .rgb8, stride: stride, pixels: padded)
        #expect(try ImageCodec.encodePNG(image) == ImageCodec.encodePNG(packed))
        #expect(try ImageCodec.encodeJPEG(image) == ImageCodec.encodeJPEG(packed))
    }

    @Test func maskRoundTripIsLossless() throws {
        var mask = Mask(width: 77, height: 41)
        for y in 0..<mask.height {
            for x in 0..<mask.width { mask[x, y] = UInt8((x * 7 + y * 13) % 256) }
        }
        let encoded = try ImageCodec.encodePNG(mask)
        #expect(try ImageCodec.info(encoded) == ImageInfo(format: .png, width: 77, height: 41, hasAlpha: false))
        #expect(try ImageCodec.decodeMask(encoded) == mask)
        // As an image the same file is gray expanded to RGB.
        let image = try ImageCodec.decode(encoded)
        #expect(image.format == .rgb8 && image.pixel(x: 5, y: 3) == [74, 74, 74])
    }

    @Test func maskDecodingRefusesColourAndOtherFormats() throws {
        for name in ["rgba8.png", "palette.png", "gray.jpg", "lossy.webp"] {
            let bytes = try CodecFixtures.bytes(name)
            let code = ImageErrorCode.of { () throws(ImageError) in _ = try ImageCodec.decodeMask(bytes) }
            #expect(code == "image.unsupported_format", "\(name)")
        }
    }

    @Test func badEncoderArgumentsAreTypedErrors() throws {
        let rgba = Image(width: 4, height: 4, format: .rgba8, filledWith: [1, 2, 3, 4])
        let rgb = Image(width: 4, height: 4, format: .rgb8, filledWith: [1, 2, 3])
        func code(_ body: () throws(ImageError) -> [UInt8]) -> String? {
            ImageErrorCode.of { () throws(ImageError) in _ = try body() }
        }
        #expect(code { () throws(ImageError) in try ImageCodec.encodeJPEG(rgba) } == "image.invalid_argument")
        #expect(code { () throws(ImageError) in try ImageCodec.encodeJPEG(rgb, quality: 0) } == "image.invalid_argument")
        #expect(code { () throws(ImageError) in try ImageCodec.encodeJPEG(rgb, quality: 101) } == "image.invalid_argument")
        #expect(code { () throws(ImageError) in try ImageCodec.encodePNG(rgb, compressionLevel: 10) } == "image.invalid_argument")
        #expect(code { () throws(ImageError) in try ImageCodec.encodePNG(rgb, compressionLevel: -1) } == "image.invalid_argument")
        let empty = Image(width: 0, height: 3, format: .rgb8)
        #expect(code { () throws(ImageError) in try ImageCodec.encodePNG(empty) } == "image.invalid_geometry")
        #expect(code { () throws(ImageError) in try ImageCodec.encodeJPEG(empty) } == "image.invalid_geometry")
        var shrunk = rgb
        shrunk.pixels.removeLast(5)
        #expect(code { () throws(ImageError) in try ImageCodec.encodePNG(shrunk) } == "image.invalid_geometry")
        #expect(code { () throws(ImageError) in try ImageCodec.encodeJPEG(shrunk) } == "image.invalid_geometry")
        #expect(code { () throws(ImageError) in try ImageCodec.encodePNG(rgb) } == nil)
    }
}
