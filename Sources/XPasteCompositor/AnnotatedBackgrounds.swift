import Foundation
import XPasteImage
import XPasteLVIS

/// Backgrounds from an LVIS or COCO annotation file plus its image folder. Each background keeps
/// its own annotations (rasterised, then updated for occlusion by the pastes) and its federated
/// labels.
///
/// Only the images that a run uses are kept with their annotations (the first `limit` in file
/// order), so a run of a few thousand images over LVIS train does not hold its 1.3 M annotations.
public struct AnnotatedBackgrounds: BackgroundSource {
    /// The annotation file.
    public let annotationsURL: URL
    /// Folder the image paths are resolved against.
    public let imageRoot: URL
    /// The file's categories (the output category space).
    public let categories: [LVISCategory]
    /// The file's licenses (carried to the output).
    public let licenses: [LVISLicense]
    /// True for an LVIS file (images carry `neg_category_ids`), false for COCO.
    public let isFederated: Bool
    /// Images in use, in file order.
    public let images: [LVISImage]
    /// Annotations of the images in use, by image id, in file order.
    private let annotationsByImage: [Int: [LVISAnnotation]]
    private let limits: DecodeLimits

    /// Annotations of the file that name an image id the file does not list (counted, not used).
    public let unknownImageAnnotations: Int
    /// File category id → output category id; set by the run from its `OutputVocabulary`
    /// (identity when empty). Ids it lacks are not categories of the output.
    public var categoryMap: [Int: Int] = [:]

    /// Reads the file; `limit` keeps only its first images.
    public init(annotations url: URL, imageRoot: URL, limit: Int? = nil, limits: DecodeLimits = .default) throws(CompositorError) {
        var images: [LVISImage] = []
        var categories: [LVISCategory] = []
        var licenses: [LVISLicense] = []
        var allImageIDs = Set<Int>()
        let reader = LVISReader(url: url)
        do {
            try reader.read(licenses: { licenses.append($0) }, images: { image in
                allImageIDs.insert(image.id)
                if limit.map({ images.count < $0 }) ?? true { images.append(image) }
            }, categories: { categories.append($0) })
        } catch {
            throw .invalidBackground("reading \(url.path): \(error)")
        }
        guard !images.isEmpty else { throw .invalidBackground("\(url.path) lists no image") }
        let wanted = Set(images.map(\.id))
        var byImage: [Int: [LVISAnnotation]] = [:]
        var unknownImage = 0
        do {
            try reader.read(annotations: { a in
                if wanted.contains(a.imageID) {
                    byImage[a.imageID, default: []].append(a)
                } else if !allImageIDs.contains(a.imageID) {
                    unknownImage += 1
                }
            })
        } catch {
            throw .invalidBackground("reading annotations of \(url.path): \(error)")
        }
        self.annotationsURL = url
        self.imageRoot = imageRoot
        self.categories = categories.sorted { $0.id < $1.id }
        self.licenses = licenses
        self.isFederated = images.contains { $0.negCategoryIDs != nil || $0.notExhaustiveCategoryIDs != nil }
        self.images = images
        self.annotationsByImage = byImage
        self.limits = limits
        self.unknownImageAnnotations = unknownImage
    }

    /// Annotations naming an unknown image, counted as skips once per run.
    public var inputSkips: [SkipReason: Int] { unknownImageAnnotations > 0 ? [.unknownImage: unknownImageAnnotations] : [:] }

    private func mapped(_ id: Int) -> Int? {
        categoryMap.isEmpty ? id : categoryMap[id]
    }

    /// Number of images in use.
    public var count: Int { images.count }

    /// The file, the image folder and the number of images used.
    public var manifestDescription: [String: String] {
        ["kind": isFederated ? "lvis" : "coco", "annotations": annotationsURL.path, "images": imageRoot.path,
         "images_used": String(images.count)]
    }

    /// Where an image entry's file is: `file_name` under the root, else the last two segments of
    /// `coco_url` (detectron2's rule: `<split>/<file>`), else its last segment. Only regular files
    /// inside the root count: an absolute name or one whose `..` segments climb out of the root
    /// (`../../etc/passwd`) is never opened.
    public func path(of image: LVISImage) -> String? {
        var candidates: [String] = []
        if let f = image.fileName { candidates.append(f) }
        if let url = image.cocoURL {
            let parts = url.split(separator: "/")
            if parts.count >= 2 { candidates.append(parts.suffix(2).joined(separator: "/")) }
            if let last = parts.last { candidates.append(String(last)) }
        }
        let root = imageRoot.standardizedFileURL.path
        let prefix = root.hasSuffix("/") ? root : root + "/"
        for c in candidates where !c.hasPrefix("/") && !c.contains("\0") {
            let p = imageRoot.appendingPathComponent(c).standardizedFileURL.path
            guard p.hasPrefix(prefix) else { continue }
            var info = stat()
            if stat(p, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { return p }
        }
        return nil
    }

    /// Decodes image `index` and rasterises its annotations (in output category ids).
    ///
    /// When the image on disk has another size than the file says, the annotations are scaled
    /// to it if the aspect ratio agrees (a downscaled copy) and the background says so
    /// (`rescaledFrom`); otherwise the image is skipped (`SkipReason.sizeMismatch`): labels are
    /// never written misaligned.
    public func load(_ index: Int, fit: BackgroundFit) throws(CompositorError) -> LoadedBackground {
        let entry = images[index]
        guard let path = path(of: entry) else {
            throw .backgroundSkipped(.backgroundMissing, "image \(entry.id) (\(entry.fileName ?? entry.cocoURL ?? "no file name")) not found under \(imageRoot.path)")
        }
        let decoded: Image
        do { decoded = try ImageCodec.decode(contentsOf: path, limits: limits) } catch {
            throw .backgroundSkipped(.backgroundUnreadable, "\(path): \(error)")
        }
        // The file's size, which its annotation coordinates refer to (0 means not given).
        let fileWidth = entry.width > 0 ? entry.width : decoded.width, fileHeight = entry.height > 0 ? entry.height : decoded.height
        var rescaledFrom: (width: Int, height: Int)?
        if fileWidth != decoded.width || fileHeight != decoded.height {
            let byHeight = Double(decoded.height) / Double(fileHeight), byWidth = Double(decoded.width) / Double(fileWidth)
            // A scaled copy rounds each side to whole pixels: each side must agree with the other's
            // scale to within a pixel.
            guard abs(Double(fileWidth) * byHeight - Double(decoded.width)) <= 1, abs(Double(fileHeight) * byWidth - Double(decoded.height)) <= 1 else {
                throw .backgroundSkipped(.sizeMismatch, "\(path) is \(decoded.width)×\(decoded.height) but \(annotationsURL.lastPathComponent) says \(fileWidth)×\(fileHeight) (another aspect ratio: rotated or cropped?)")
            }
            rescaledFrom = (fileWidth, fileHeight)
        }
        let (image, t) = try fit.apply(to: decoded, context: path)
        // File coordinates → decoded image → output.
        let sx = t.sx * Double(decoded.width) / Double(fileWidth), sy = t.sy * Double(decoded.height) / Double(fileHeight)
        var objects: [BackgroundObject] = []
        var positive = Set<Int>()
        for a in annotationsByImage[entry.id] ?? [] {
            guard let category = mapped(a.categoryID) else {
                throw .backgroundSkipped(.unknownCategory, "annotation \(a.id) of image \(entry.id): category \(a.categoryID) is not in the file's categories")
            }
            positive.insert(category)
            guard let (mask, frame) = try rasterize(a.segmentation, sourceWidth: fileWidth, sourceHeight: fileHeight,
                                                    sx: sx, sy: sy, transform: t, width: image.width, height: image.height, annotation: a.id)
            else { continue }
            objects.append(BackgroundObject(annotationID: a.id, category: category, isCrowd: (a.isCrowd ?? 0) != 0, mask: mask, frame: frame))
        }
        let labels: FederatedLabels.Background
        if isFederated {
            labels = FederatedLabels.Background(positive: positive, negative: Set((entry.negCategoryIDs ?? []).compactMap(mapped)),
                                                notExhaustive: Set((entry.notExhaustiveCategoryIDs ?? []).compactMap(mapped)))
        } else {
            // COCO annotates every category exhaustively: the absent ones are verified negatives.
            labels = FederatedLabels.Background(positive: positive, negative: Set(categories.compactMap { mapped($0.id) }).subtracting(positive),
                                                notExhaustive: [])
        }
        var provenance = ["file": path, "image_id": String(entry.id)]
        if let r = rescaledFrom { provenance["annotations_rescaled_from"] = "\(r.width)x\(r.height)" }
        var loaded = LoadedBackground(image: image, objects: objects, labels: labels, provenance: provenance,
                                      license: entry.license, flickrURL: entry.flickrURL, dateCaptured: entry.dateCaptured)
        loaded.annotationsRescaled = rescaledFrom != nil
        loaded.jitter = t.jitter
        return loaded
    }

    /// The annotation's mask cropped to its box, in the (possibly resized or jittered) image; nil
    /// when nothing of it is left inside. Polygons are scaled by (sx, sy), moved by the transform's
    /// offset (X-Paste's `apply_coords`) and rasterised as pycocotools does, directly at the crop
    /// (translating by whole pixels does not change pycocotools' raster), which clips them to the
    /// image; RLE is decoded, resized nearest-neighbour to the resized image and cropped with it
    /// (detectron2's `apply_segmentation` on a bitmap).
    private func rasterize(_ segmentation: LVISSegmentation, sourceWidth: Int, sourceHeight: Int, sx: Double, sy: Double,
                           transform t: BackgroundFit.Transform, width: Int, height: Int,
                           annotation: Int) throws(CompositorError) -> (BinaryMask, PixelBox)? {
        do {
            switch segmentation {
            case .polygons(let rings):
                // detectron2 rejects such rings outright; dropping them quietly would shrink the label.
                if let bad = rings.first(where: { $0.count < 6 || $0.count % 2 != 0 }) {
                    throw CompositorError.backgroundSkipped(.invalidSegmentation, "annotation \(annotation): polygon ring of \(bad.count) numbers")
                }
                let dx = Double(t.offsetX), dy = Double(t.offsetY)
                let scaled = rings.map { ring in
                    ring.enumerated().map { $0.offset % 2 == 0 ? $0.element * sx - dx : $0.element * sy - dy }
                }
                guard !scaled.isEmpty else { return nil }
                var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
                for ring in scaled {
                    for i in Swift.stride(from: 0, to: ring.count - 1, by: 2) {
                        minX = min(minX, ring[i]); maxX = max(maxX, ring[i])
                        minY = min(minY, ring[i + 1]); maxY = max(maxY, ring[i + 1])
                    }
                }
                guard minX.isFinite, minY.isFinite, maxX.isFinite, maxY.isFinite else { return nil }
                let x0 = max(0, Int(minX.rounded(.down))), y0 = max(0, Int(minY.rounded(.down)))
                let x1 = min(width, Int(maxX.rounded(.up)) + 1), y1 = min(height, Int(maxY.rounded(.up)) + 1)
                guard x1 > x0, y1 > y0 else { return nil }
                let local = scaled.map { ring in
                    ring.enumerated().map { $0.offset % 2 == 0 ? $0.element - Double(x0) : $0.element - Double(y0) }
                }
                let mask = try RLE(polygons: local, height: y1 - y0, width: x1 - x0).decode()
                return (mask, PixelBox(x: x0, y: y0, width: x1 - x0, height: y1 - y0))
            case .rle(let lvisRLE):
                let rle: RLE
                switch lvisRLE.counts {
                case .compressed(let text): rle = try RLE(height: lvisRLE.height, width: lvisRLE.width, compressedCounts: text)
                case .uncompressed(let runs): rle = try RLE(height: lvisRLE.height, width: lvisRLE.width, counts: runs.map { UInt32(clamping: $0) })
                }
                guard rle.height == sourceHeight, rle.width == sourceWidth else {
                    throw CompositorError.backgroundSkipped(.invalidSegmentation, "annotation \(annotation): RLE size \(rle.height)×\(rle.width) is not the image's \(sourceHeight)×\(sourceWidth)")
                }
                var mask = rle.decode()
                if mask.width != t.resizedWidth || mask.height != t.resizedHeight {
                    mask = try mask.resized(width: t.resizedWidth, height: t.resizedHeight)
                }
                if t.crop != PixelBox(x: 0, y: 0, width: mask.width, height: mask.height) { mask = try mask.cropped(to: t.crop) }
                guard mask.width == width, mask.height == height else {
                    throw CompositorError.backgroundSkipped(.invalidSegmentation, "annotation \(annotation): RLE mask does not fit the prepared image")
                }
                return (mask, PixelBox(x: 0, y: 0, width: width, height: height))
            }
        } catch let e as CompositorError {
            throw e
        } catch {
            throw .backgroundSkipped(.invalidSegmentation, "annotation \(annotation): \(error)")
        }
    }
}
