import Foundation
import XPasteImage

/// Cutouts listed in an X-Paste instance-pool file: a JSON object from the 0-based LVIS category
/// index to a list of RGBA image paths, as X-Paste's `InstPool` reads it (`INPUT.INST_POOL_PATH`).
///
/// Entries follow X-Paste's conventions: `*path` is an already cleaned-up cutout used as is;
/// `image|mask` takes the alpha from a separate grey mask file; a plain path is cleaned up as
/// X-Paste does on load — alpha binarised at 128, the largest component kept (holes filled), the
/// soft alpha kept inside it, cropped to it. Relative paths are resolved against the pool file's
/// folder. Instance ids are 1-based positions in the pool listed by ascending category, then file
/// order, so they are stable for a given file.
public struct XPastePoolSource: CutoutSource {
    /// One pool entry.
    public struct Entry: Sendable, Hashable {
        /// Instance id.
        public let id: Int64
        /// LVIS category id (pool index + 1).
        public let category: Int
        /// RGBA (or RGB) image path.
        public let imagePath: String
        /// Separate alpha mask path (`image|mask` entries).
        public let maskPath: String?
        /// True for `*path` entries, used without clean-up.
        public let preprocessed: Bool
    }

    /// The pool file.
    public let url: URL
    /// Entries by id − 1.
    public let entries: [Entry]
    private let names: [Int: CutoutCategory]
    private let limits: DecodeLimits

    /// Reads the pool file. `categories` names the LVIS categories (by LVIS id); an id it does not
    /// know is named `lvis_<id>`.
    public init(url: URL, categories: [Int: CutoutCategory] = [:], limits: DecodeLimits = .default) throws(CompositorError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .io("cannot read pool file \(url.path): \(error.localizedDescription)") }
        let raw: [String: [String]]
        do { raw = try JSONDecoder().decode([String: [String]].self, from: data) } catch {
            throw .invalidParameter("\(url.path) is not an X-Paste pool file (a JSON object of category index → list of paths)")
        }
        let folder = url.deletingLastPathComponent()
        var keyed: [(Int, [String])] = []
        for (k, paths) in raw {
            guard let index = Int(k), index >= 0 else { throw .invalidParameter("pool key \"\(k)\" is not a category index") }
            keyed.append((index, paths))
        }
        keyed.sort { $0.0 < $1.0 }
        var entries: [Entry] = []
        for (index, paths) in keyed {
            for p in paths {
                var path = p, preprocessed = false, mask: String?
                if path.hasPrefix("*") {
                    preprocessed = true
                    path.removeFirst()
                } else if let bar = path.firstIndex(of: "|") {
                    mask = String(path[path.index(after: bar)...])
                    path = String(path[..<bar])
                }
                func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : folder.appendingPathComponent(p).path }
                entries.append(Entry(id: Int64(entries.count + 1), category: index + 1, imagePath: resolve(path),
                                     maskPath: mask.map(resolve), preprocessed: preprocessed))
            }
        }
        self.url = url
        self.entries = entries
        self.names = categories
        self.limits = limits
    }

    /// Every entry, by category.
    public func catalog() throws(CompositorError) -> CutoutCatalog {
        var cats: [Int64: CutoutCategory] = [:]
        var instances: [Int64: [Int64]] = [:]
        for e in entries {
            let id = Int64(e.category)
            if cats[id] == nil {
                var c = names[e.category] ?? CutoutCategory(id: id, name: "lvis_\(e.category)", lvisID: e.category)
                c.id = id
                c.lvisID = e.category
                cats[id] = c
            }
            instances[id, default: []].append(e.id)
        }
        return CutoutCatalog(categories: cats, instances: instances)
    }

    /// The cleaned-up cutout of entry `id`.
    public func cutout(id: Int64) throws(CompositorError) -> Image {
        guard id >= 1, id <= Int64(entries.count) else { throw .invalidCutout(id: id, "no such pool entry") }
        let e = entries[Int(id - 1)]
        var image: Image
        do {
            image = try ImageCodec.decode(contentsOf: e.imagePath, limits: limits)
            if let maskPath = e.maskPath {
                let mask = try ImageCodec.decodeMask(ImageCodec.readFile(maskPath, limits: limits), limits: limits)
                image = try CutoutCleanup.withAlpha(image, mask)
            }
        } catch {
            throw .invalidCutout(id: id, "\(e.imagePath): \(error)")
        }
        if image.format == .rgb8 { image = CutoutCleanup.opaque(image) }
        if e.preprocessed { return image }
        guard let cleaned = CutoutCleanup.xpaste(image) else {
            throw .invalidCutout(id: id, "\(e.imagePath): no pixel with alpha above 128")
        }
        return cleaned
    }

    /// The pool file and its size.
    public func snapshot() throws(CompositorError) -> [String: String] {
        ["kind": "xpaste_pool", "path": url.path, "instances": String(entries.count)]
    }
}
