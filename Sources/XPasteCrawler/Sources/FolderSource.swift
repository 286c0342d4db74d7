import Foundation

/// A local folder of images: files directly in it go to the category asked for; a sub-folder named
/// after the category (or a synonym) holds that category's files. Candidates are `file://` URLs,
/// read without the network.
public struct FolderSource: ImageSource {
    /// The folder.
    public let folder: URL

    /// A source.
    public init(folder: URL) { self.folder = folder }

    public func candidates(category: String, synonyms: [String], limit: Int) async throws(CrawlError) -> [ImageCandidate] {
        let fm = FileManager.default
        var dirs = [folder]
        for n in [category] + synonyms {
            let sub = folder.appendingPathComponent(n)
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: sub.path, isDirectory: &isDir), isDir.boolValue { dirs = [sub]; break }
        }
        var out: [ImageCandidate] = []
        for dir in dirs {
            guard let names = try? fm.contentsOfDirectory(atPath: dir.path) else { throw .invalidArgument("cannot list \(dir.path)") }
            for name in names.sorted() where !name.hasPrefix(".") && out.count < limit {
                let url = dir.appendingPathComponent(name)
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
                out.append(ImageCandidate(url: url.absoluteString, category: category, pageURL: nil, caption: name))
            }
        }
        return out
    }
}
