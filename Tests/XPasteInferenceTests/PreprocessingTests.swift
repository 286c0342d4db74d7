import Foundation
import Testing
import XPasteImage
import XPasteInference
import XPasteTestSupport

/// CLIP preprocessing against onnx_clip's (which reproduces OpenAI CLIP's torchvision pipeline).
@Suite("CLIP preprocessing parity")
struct PreprocessingTests {
    static func dataDirectory() throws -> String {
        let out = try ReferencePython.run(script: "Tests/XPasteInferenceTests/Reference/onnx_clip_ref.py", arguments: ["data-dir"])
        return String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Reads a little-endian float32 `.npy` file (format 1.0/2.0) into its shape and values.
    static func readNPY(_ path: String) throws -> (shape: [Int], values: [Float]) {
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        try #require(data.starts(with: [0x93] + Array("NUMPY".utf8)))
        let major = data[6]
        let headerLength = major == 1 ? Int(data[8]) | Int(data[9]) << 8
            : Int(data[8]) | Int(data[9]) << 8 | Int(data[10]) << 16 | Int(data[11]) << 24
        let start = (major == 1 ? 10 : 12) + headerLength
        let header = String(decoding: data[(major == 1 ? 10 : 12)..<start], as: UTF8.self)
        try #require(header.contains("'descr': '<f4'") && header.contains("'fortran_order': False"))
        let shapeText = try #require(header.split(separator: "(").last?.split(separator: ")").first)
        let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let count = shape.reduce(1, *)
        let values = data[start..<(start + 4 * count)].withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        return (shape, values)
    }

    static func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    @Test func franzKafkaMatchesTheShippedExpectedArray() throws {
        let dir = try Self.dataDirectory()
        let image = try ImageCodec.decode(contentsOf: dir + "/franz-kafka.jpg")
        let expected = try Self.readNPY(dir + "/expected_preprocessed_image.npy")
        #expect(expected.shape == [1, 3, 224, 224])
        let ours = try CLIPPreprocessor().pixelValues(image)
        // Tolerance 1e-6: the array is float32 and both sides compute the same arithmetic; any
        // pixel that differed by one level after resizing would show as ≥ 0.0142 (1/255/0.276).
        #expect(Self.maxDifference(ours, expected.values) <= 1e-6)
    }

    /// rocket.jpg (leftover 111) and motorcycle_left.png (107) are where torchvision's and
    /// onnx_clip's crop offsets differ by one pixel; the others check everything else.
    @Test(arguments: [
        ("chelsea.png", CLIPPreprocessor.CropRounding.torchvision), ("rocket.jpg", .torchvision), ("rocket.jpg", .floor),
        ("astronaut.png", .torchvision), ("coffee.png", .floor), ("motorcycle_left.png", .torchvision),
        ("motorcycle_left.png", .floor), ("horse.png", .torchvision),
    ])
    func sharedPhotosMatchTheReference(name: String, rounding: CLIPPreprocessor.CropRounding) throws {
        let path = SharedData.image(name).path
        let mode = rounding == .floor ? "preprocess" : "preprocess-torchvision"
        let out = try ReferencePython.run(script: "Tests/XPasteInferenceTests/Reference/onnx_clip_ref.py", arguments: [mode, path])
        let encoded = try #require(try JSONSerialization.jsonObject(with: out) as? [String])
        let bytes = try #require(Data(base64Encoded: encoded[0]))
        let reference = bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        var image = try ImageCodec.decode(contentsOf: path)
        if image.format == .rgba8 {
            // PIL's convert("RGB") drops alpha; do the same so only the preprocessing is compared.
            image = try dropAlpha(image)
        }
        let ours = try CLIPPreprocessor(cropRounding: rounding).pixelValues(image)
        #expect(ours.count == reference.count)
        #expect(Self.maxDifference(ours, reference) <= 1e-6, "\(name) \(image.width)×\(image.height)")
    }

    func dropAlpha(_ image: Image) throws -> Image {
        let p = image.packed().pixels
        var rgb: [UInt8] = []
        rgb.reserveCapacity(image.pixelCount * 3)
        for i in 0..<image.pixelCount { rgb += p[(i * 4)..<(i * 4 + 3)] }
        return try Image(width: image.width, height: image.height, format: .rgb8, pixels: rgb)
    }

    @Test func centreCropAndCutoutsOnWhite() throws {
        // 300×224 → no resize, crop offset (300 − 224) / 2 = 38; a tall 224×301 image → round(77/2 = 38.5) = 38.
        var wide = Image(width: 300, height: 224, format: .rgb8)
        for x in 0..<300 { for y in 0..<224 { wide.setPixel(x: x, y: y, [UInt8(x % 256), UInt8(y), 0]) } }
        let cropped = try CLIPPreprocessor().resizedAndCropped(wide)
        #expect(cropped.width == 224 && cropped.height == 224)
        #expect(cropped.pixel(x: 0, y: 5) == [38, 5, 0])
        var tall = Image(width: 224, height: 301, format: .rgb8)
        for y in 0..<301 { tall.setPixel(x: 0, y: y, [UInt8(y % 256), 0, 0]) }
        #expect(try CLIPPreprocessor().resizedAndCropped(tall).pixel(x: 0, y: 0) == [38, 0, 0])

        // A transparent cutout scores on white; half-transparent red blends to (255, 128, 128).
        let clear = Image(width: 224, height: 224, format: .rgba8, filledWith: [0, 0, 0, 0])
        #expect(try CLIPPreprocessor().resizedAndCropped(clear).pixel(x: 100, y: 100) == [255, 255, 255])
        let half = Image(width: 224, height: 224, format: .rgba8, filledWith: [255, 0, 0, 128])
        #expect(try CLIPPreprocessor().resizedAndCropped(half).pixel(x: 3, y: 3) == [255, 127, 127])
        let batch = try CLIPPreprocessor().batch([wide, tall, half])
        #expect(batch.shape == [3, 3, 224, 224])
        #expect(throws: InferenceError.self) { try CLIPPreprocessor().batch([Image(width: 0, height: 0, format: .rgb8)]) }
        #expect(throws: InferenceError.self) { try CLIPPreprocessor(mean: [0.5]).pixelValues(wide) }
    }
}
