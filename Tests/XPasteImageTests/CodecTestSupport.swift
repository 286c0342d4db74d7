import Foundation
import XPasteImage
import XPasteTestSupport

/// The fixtures `Reference/make_codec_fixtures.py` writes, generated once per test process into
/// a private temporary directory that is removed at exit; or, when `$XPASTE_CODEC_FIXTURES`
/// names a directory, the fixtures already generated there (scripts/valgrind-codecs does this,
/// because Foundation's `Process` cannot spawn Python under valgrind).
enum CodecFixtures {
    static let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("xpaste-codec-fixtures-\(UUID().uuidString)")

    private static let generated: Result<URL, any Error> = Result {
        if let given = ProcessInfo.processInfo.environment["XPASTE_CODEC_FIXTURES"], !given.isEmpty {
            return URL(fileURLWithPath: given)
        }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: CodecFixtures.root) }
        try ReferencePython.run(script: "Tests/XPasteImageTests/Reference/make_codec_fixtures.py", arguments: [root.path])
        return root
    }

    /// Names of every generated fixture.
    static func all() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: generated.get().path).sorted()
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

/// Pixel comparisons for the codec tests (unsafe buffers, since tests run unoptimised).
enum PixelCompare {
    /// Same geometry, layout and bytes; a memcmp, because `==` on `[UInt8]` compiles to a generic
    /// element loop in debug builds and dominates the concurrency test's time.
    static func identical(_ a: Image, _ b: Image) -> Bool {
        guard a.width == b.width, a.height == b.height, a.format == b.format, a.stride == b.stride,
              a.pixels.count == b.pixels.count else { return false }
        return a.pixels.withUnsafeBytes { pa in
            b.pixels.withUnsafeBytes { pb in memcmp(pa.baseAddress!, pb.baseAddress!, pa.count) == 0 }
        }
    }

    /// Largest per-channel absolute difference; nil when geometry or layout differ.
    static func maxAbsDiff(_ a: Image, _ b: Image) -> Int? {
        guard a.width == b.width, a.height == b.height, a.format == b.format else { return nil }
        return a.packed().pixels.withUnsafeBufferPointer { pa in
            b.packed().pixels.withUnsafeBufferPointer { pb in
                var worst: Int32 = 0
                for i in 0..<pa.count { worst = max(worst, abs(Int32(pa[i]) - Int32(pb[i]))) }
                return Int(worst)
            }
        }
    }

    /// Peak signal-to-noise ratio in dB over all channels (infinity when identical).
    static func psnr(_ a: Image, _ b: Image) -> Double {
        let sum = a.packed().pixels.withUnsafeBufferPointer { pa in
            b.packed().pixels.withUnsafeBufferPointer { pb in
                precondition(pa.count == pb.count)
                var total: Int64 = 0
                for i in 0..<pa.count {
                    let d = Int64(pa[i]) - Int64(pb[i])
                    total += d * d
                }
                return total
            }
        }
        let mse = Double(sum) / Double(a.pixelCount * a.format.channels)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }

    /// The RGB part of an image (alpha dropped), for JPEG round trips of RGBA photos.
    static func rgb(_ image: Image) -> Image {
        guard image.format == .rgba8 else { return image }
        var out = Image(width: image.width, height: image.height, format: .rgb8)
        image.packed().pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for p in 0..<image.pixelCount {
                    for k in 0..<3 { dst[p * 3 + k] = src[p * 4 + k] }
                }
            }
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
