import Foundation

/// An X-Paste instance pool file, parsed: a JSON object from the 0-based LVIS category index to a
/// list of image paths (`*path` used as is, `image|mask` with a separate alpha, a plain path
/// cleaned up as X-Paste does on load), relative paths resolved against the pool's folder.
///
/// Kept apart from the importer (no bank, no database) so the libFuzzer build can drive exactly
/// what reads a user's pool file (`fuzz/targets/pool_manifest.swift`).
struct PoolFile {
    /// One path of the pool.
    struct Entry: Sendable, Hashable {
        /// Bank (LVIS) category id: the pool's 0-based index + 1.
        var categoryId: Int64
        /// The image, resolved.
        var path: String
        /// True for `*path`: stored as it is, without X-Paste's clean-up.
        var asIs: Bool
        /// A separate mask file (`image|mask`), resolved.
        var mask: String?
    }

    /// The entries in category order, then file order.
    let entries: [Entry]

    /// Parses `data` (the file at `path`, in `folder`); a malformed file is `bank.invalid_import`
    /// naming the JSON path of the problem.
    init(_ data: Data, path: String, folder: URL) throws(BankError) {
        let raw: [String: [String]]
        do {
            raw = try JSONDecoder().decode([String: [String]].self, from: data)
        } catch {
            throw BankError.invalidImport("\(path) is not an X-Paste pool (a JSON object of category index → list of paths): \(Self.describe(error))")
        }
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : folder.appendingPathComponent(p).standardizedFileURL.path }
        var entries: [Entry] = []
        for key in raw.keys.sorted(by: { (Int($0) ?? -1, $0) < (Int($1) ?? -1, $1) }) {
            guard let index = Int(key), index >= 0, Int64(index) + 1 < BankCategory.userIdBase else {
                throw BankError.invalidImport("pool key \"\(key)\" is not a 0-based LVIS category index")
            }
            for item in raw[key] ?? [] {
                var image = item
                var entry = Entry(categoryId: Int64(index) + 1, path: "", asIs: false, mask: nil)
                if image.hasPrefix("*") {
                    image.removeFirst()
                    entry.asIs = true
                } else if let bar = image.firstIndex(of: "|") {
                    entry.mask = resolve(String(image[image.index(after: bar)...]))
                    image = String(image[..<bar])
                }
                entry.path = resolve(image)
                entries.append(entry)
            }
        }
        self.entries = entries
    }

    /// A decoding error as a JSON path and what was expected there, not Foundation's dump.
    static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            // Array positions come as "Index N" (with an intValue); object keys as their text.
            "$" + keys.map { key in
                if key.stringValue.hasPrefix("Index "), let i = key.intValue { return "[\(i)]" }
                return ".\(key.stringValue)"
            }.joined()
        }
        switch error {
        case DecodingError.typeMismatch(let type, let c): return "at \(path(c.codingPath)): expected \(type == String.self ? "a string" : type == [String].self ? "a list of paths" : "\(type)")"
        case DecodingError.valueNotFound(_, let c): return "at \(path(c.codingPath)): missing value"
        case DecodingError.keyNotFound(let key, let c): return "at \(path(c.codingPath)): missing key \"\(key.stringValue)\""
        case DecodingError.dataCorrupted(let c): return "at \(path(c.codingPath)): not valid JSON (\(c.debugDescription))"
        default: return "\(error)"
        }
    }
}
