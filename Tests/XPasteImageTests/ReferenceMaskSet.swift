import Foundation
import XPasteTestSupport
@testable import XPasteImage

/// Runs a reference script that writes masks as raw bytes to a temp file (its first argument) and
/// prints one JSON object per mask with at least "h", "w" and "offset"; decodes both sides.
enum ReferenceMaskSet {
    /// The fields every line has.
    struct Header: Decodable {
        let name: String
        let h: Int
        let w: Int
        let offset: Int
    }

    /// Runs `script` with (temp file, shared data directory, seed) and returns each line decoded as
    /// `Line` together with its mask.
    static func run<Line: Decodable>(_ script: String, seed: Int, as _: Line.Type) throws -> [(line: Line, name: String, mask: BinaryMask)] {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("xpaste-masks-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max)).bin")
        defer { try? FileManager.default.removeItem(at: file) }
        let out = try ReferencePython.run(script: "Tests/XPasteImageTests/Reference/\(script)",
                                          arguments: [file.path, SharedData.directory.path, String(seed)])
        let bytes = try Data(contentsOf: file)
        let decoder = JSONDecoder()
        return try out.split(separator: UInt8(ascii: "\n")).map { raw in
            let data = Data(raw)
            let header = try decoder.decode(Header.self, from: data)
            let mask = try BinaryMask(width: header.w, height: header.h,
                                      bits: [UInt8](bytes[header.offset..<(header.offset + header.h * header.w)]))
            return (try decoder.decode(Line.self, from: data), header.name, mask)
        }
    }
}
