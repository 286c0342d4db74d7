import Foundation
import XPasteTestSupport
@testable import XPasteImage

/// Exchanges raw 8-bit planes with the reference scripts in Reference/ through a scratch folder:
/// tests write inputs, run a batch of jobs in one Python process, and read the outputs back.
final class RasterReference {
    /// The scratch folder, removed when the value goes away.
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("xpaste-raster-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// The path of a file in the scratch folder.
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Writes bytes as a header-less raw file and returns its path.
    @discardableResult
    func write(_ bytes: [UInt8], as name: String) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }

    /// Writes a packed copy of an image's pixels.
    @discardableResult
    func write(_ image: Image, as name: String) throws -> String {
        try write(image.packed().pixels, as: name)
    }

    /// Reads a raw file back.
    func read(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    /// Runs `jobs` through `Tests/XPasteImageTests/Reference/<script>` and returns its per-job results.
    @discardableResult
    func run(_ script: String, _ jobs: [[String: Any]]) throws -> [[String: Any]] {
        let input = try JSONSerialization.data(withJSONObject: jobs)
        let output = try ReferencePython.run(script: "Tests/XPasteImageTests/Reference/\(script)", stdin: input)
        return (try JSONSerialization.jsonObject(with: output) as? [[String: Any]]) ?? []
    }

    /// A crop of one of the shared photos as an RGB image, decoded by Pillow (the project's own PNG
    /// codec is tested elsewhere; these tests should not depend on it).
    func photo(_ name: String, box: PixelBox) throws -> Image {
        let file = "photo-\(name)-\(box.x)-\(box.y)-\(box.width)-\(box.height).raw"
        try run("resize_reference.py", [[
            "op": "photo", "name": name, "dir": SharedData.directory.appendingPathComponent("images").path,
            "box": [box.x, box.y, box.width, box.height], "out": path(file),
        ]])
        return try Image(width: box.width, height: box.height, format: .rgb8, pixels: read(file))
    }
}

/// Largest absolute difference between two equally long byte arrays (Int.max when lengths differ).
func maxAbsDiff(_ a: [UInt8], _ b: [UInt8]) -> Int {
    guard a.count == b.count else { return Int.max }
    var worst = 0
    for i in 0..<a.count { worst = max(worst, abs(Int(a[i]) - Int(b[i]))) }
    return worst
}

/// A deterministic pseudo-random byte sequence (xorshift), so tests need no fixtures.
func noiseBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed | 1
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state >> 24)
    }
}
