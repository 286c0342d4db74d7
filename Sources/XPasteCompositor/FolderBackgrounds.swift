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
    public func load(_ index: Int, maxSide: Int?) throws(CompositorError) -> LoadedBackground {
        let path = folder.appendingPathComponent(files[index]).path
        let decoded: Image
        do { decoded = try ImageCodec.decode(contentsOf: path, limits: limits) } catch {
            throw .backgroundSkipped(.backgroundUnreadable, "\(path): \(error)")
        }
        let image = try BackgroundImage.prepare(decoded, maxSide: maxSide, context: path).image
        return LoadedBackground(image: image, provenance: ["file": files[index]])
    }
}

/// Shared preparation of background pixels.
enum BackgroundImage {
    /// `image` as RGB (transparency flattened onto white) and downsized with pixel-area averaging
    /// so its longer side is at most `maxSide`; also returns the scale factors applied.
    static func prepare(_ image: Image, maxSide: Int?, context: String) throws(CompositorError) -> (image: Image, sx: Double, sy: Double) {
        var rgb = image
        do {
            if image.format == .rgba8 {
                rgb = Image(width: image.width, height: image.height, format: .rgb8, filledWith: [255, 255, 255])
                try rgb.composite(image, atX: 0, y: 0)
            }
            guard let side = maxSide, max(rgb.width, rgb.height) > side else { return (rgb, 1, 1) }
            let s = Double(side) / Double(max(rgb.width, rgb.height))
            let w = max(1, Int((Double(rgb.width) * s).rounded())), h = max(1, Int((Double(rgb.height) * s).rounded()))
            let sx = Double(w) / Double(rgb.width), sy = Double(h) / Double(rgb.height)
            return (try rgb.resized(width: w, height: h, filter: .area), sx, sy)
        } catch {
            throw .image(context: "background \(context)", error)
        }
    }
}
