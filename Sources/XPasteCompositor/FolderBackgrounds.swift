import Foundation
import XPasteImage

/// Backgrounds from a plain folder of images (no annotations): every file whose name ends in
/// .jpg, .jpeg, .png or .webp (any case), in byte order of the names, not recursive.
public struct FolderBackgrounds: BackgroundSource {
    /// The folder.
    public let folder: URL
    /// File names, sorted.
    public let files: [String]
    private let limits: DecodeLimits

    /// Lists `folder`; throws when it holds no image.
    public init(folder: URL, limits: DecodeLimits = .default) throws(CompositorError) {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw .invalidBackground("cannot list \(folder.path): \(error.localizedDescription)")
        }
        let extensions: Set<String> = ["jpg", "jpeg", "png", "webp"]
        // Regular files only (stat follows links): a FIFO named x.jpg would block its read.
        files = names.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) && !$0.hasPrefix(".") }
            .filter { name in
                var info = stat()
                return stat(folder.appendingPathComponent(name).path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
            }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        guard !files.isEmpty else { throw .invalidBackground("no .jpg, .jpeg, .png or .webp file in \(folder.path)") }
        self.folder = folder
        self.limits = limits
    }

    /// Number of images.
    public var count: Int { files.count }

    /// The folder and its image count.
    public var manifestDescription: [String: String] {
        ["kind": "folder", "path": folder.path, "images": String(files.count)]
    }

    /// Decodes image `index`.
    public func load(_ index: Int, fit: BackgroundFit) throws(CompositorError) -> LoadedBackground {
        let path = folder.appendingPathComponent(files[index]).path
        let decoded: Image
        do { decoded = try ImageCodec.decode(contentsOf: path, limits: limits) } catch {
            throw .backgroundSkipped(.backgroundUnreadable, "\(path): \(error)")
        }
        let (image, transform) = try fit.apply(to: decoded, context: path)
        var loaded = LoadedBackground(image: image, provenance: ["file": files[index]])
        loaded.jitter = transform.jitter
        return loaded
    }
}
