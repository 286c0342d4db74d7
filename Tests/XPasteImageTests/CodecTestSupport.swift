import Foundation
import XPasteImage
import XPasteTestSupport

/// The fixtures `Reference/make_codec_fixtures.py` writes, generated once per test process into
/// a private temporary directory that is removed at exit.
enum CodecFixtures {
    static let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("xpaste-codec-fixtures-\(UUID().uuidString)")

    private static let generated: Result<URL, any Error> = Result {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: CodecFixtures.root) }
        try ReferencePython.run(script: "Tests/XPasteImageTests/Reference/make_codec_fixtures.py", arguments: [root.path])
        return root
    }

    /// Path of a generated fixture.
    static func path(_ name: String) throws -> String {
        try generated.get().appendingPathComponent(name).path
    }

    /// Bytes of a generated fixture.
    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    /// Bytes of a shared photo.
    static func shared(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: SharedData.image(name)))
    }
}

/// Pillow's decode of the same files, through `Reference/pillow_decode.py`.
enum PillowReference {
    private struct Entry: Decodable {
        let width: Int, height: Int, channels: Int
    }

    /// Pillow's pixels for each path (RGBA when the file has transparency, else RGB),
    /// optionally after `ImageOps.exif_transpose`.
    static func decode(_ paths: [String], exifTranspose: Bool = false) throws -> [Image] {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-pillow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let json = try ReferencePython.run(
            script: "Tests/XPasteImageTests/Reference/pillow_decode.py",
            arguments: [out.path] + (exifTranspose ? ["--exif-transpose"] : []) + paths)
        let entries = try JSONDecoder().decode([Entry].self, from: json)
        return try entries.enumerated().map { index, e in
            let raw = [UInt8](try Data(contentsOf: out.appendingPathComponent("\(index).raw")))
            return try Image(width: e.width, height: e.height, format: e.channels == 4 ? .rgba8 : .rgb8, pixels: raw)
        }
    }
}

/// Pixel comparisons for the codec tests.
enum PixelCompare {
    /// Largest per-channel absolute difference; nil when geometry or layout differ.
    static func maxAbsDiff(_ a: Image, _ b: Image) -> Int? {
        guard a.width == b.width, a.height == b.height, a.format == b.format else { return nil }
        let pa = a.packed().pixels, pb = b.packed().pixels
        var worst = 0
        for i in pa.indices { worst = max(worst, abs(Int(pa[i]) - Int(pb[i]))) }
        return worst
    }

    /// Peak signal-to-noise ratio in dB over all channels (infinity when identical).
    static func psnr(_ a: Image, _ b: Image) -> Double {
        let pa = a.packed().pixels, pb = b.packed().pixels
        precondition(pa.count == pb.count)
        var sum = 0.0
        for i in pa.indices {
            let d = Double(Int(pa[i]) - Int(pb[i]))
            sum += d * d
        }
        let mse = sum / Double(pa.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    /// The RGB part of an image (alpha dropped), for JPEG round trips of RGBA photos.
    static func rgb(_ image: Image) -> Image {
        guard image.format == .rgba8 else { return image }
        let src = image.packed().pixels
        var out = Image(width: image.width, height: image.height, format: .rgb8)
        for p in 0..<image.pixelCount {
            for k in 0..<3 { out.pixels[p * 3 + k] = src[p * 4 + k] }
        }
        return out
    }
}

/// The stable code of the `ImageError` a call throws, for exact error-case assertions.
enum ImageErrorCode {
    /// The code of the error `body` throws, or nil when it succeeds.
    static func of(_ body: () throws(ImageError) -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return error.code
        }
    }
}
