import Foundation

/// The ustar headers of a tar archive, so a dataset folder can be streamed as `.tar` file by file
/// with its exact length known up front (512-byte header per file, data padded to 512, two zero
/// blocks at the end) and nothing copied.
enum TarArchive {
    /// One file to put in the archive.
    struct Entry: Sendable {
        /// The path inside the archive (`train/000000000001.jpg`).
        var path: String
        /// Where the bytes are.
        var url: URL
        /// Size in bytes.
        var size: Int
        /// Modification time.
        var modified: Date
    }

    /// Total archive size for `entries`.
    static func length(of entries: [Entry]) -> Int {
        entries.reduce(1024) { $0 + 512 + padded($1.size) }
    }

    /// `size` rounded up to whole 512-byte blocks.
    static func padded(_ size: Int) -> Int { (size + 511) / 512 * 512 }

    /// The 512-byte ustar header of an entry; paths over 100 bytes use the 155-byte prefix field.
    static func header(for entry: Entry) throws -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        let path = Array(entry.path.utf8)
        var name = path, prefix: [UInt8] = []
        if path.count > 100 {
            guard let cut = path.indices.reversed().first(where: { path[$0] == UInt8(ascii: "/") && path.count - $0 - 1 <= 100 && $0 <= 155 }) else {
                throw TarError.pathTooLong(entry.path)
            }
            prefix = Array(path[..<cut])
            name = Array(path[(cut + 1)...])
        }
        func put(_ bytes: [UInt8], at offset: Int) { for (k, b) in bytes.enumerated() { h[offset + k] = b } }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            Array(String(String(value, radix: 8).suffix(width - 1)).leftPadded(to: width - 1).utf8) + [0]
        }
        put(name, at: 0)
        put(octal(0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(entry.size, width: 12), at: 124)
        put(octal(Int(entry.modified.timeIntervalSince1970), width: 12), at: 136)
        put(Array("        ".utf8), at: 148)
        h[156] = UInt8(ascii: "0")
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put(prefix, at: 345)
        let sum = h.reduce(0) { $0 + Int($1) }
        put(Array(String(String(sum, radix: 8)).leftPadded(to: 6).utf8) + [0, UInt8(ascii: " ")], at: 148)
        return h
    }

    enum TarError: Error {
        case pathTooLong(String)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
