import Foundation
import XPasteImage
import XPasteLVIS

extension BankImporter {
    /// An annotation waiting for its image: the mask already as RLE (compact, and the size check done).
    private struct PendingAnnotation: Sendable {
        var id: Int
        var categoryId: Int64
        var mask: RLE
    }

    /// One image and its annotations, the unit of parallel work.
    private struct ImageWork: Sendable {
        var image: LVISImage
        var path: String?
        var licence: String?
        var annotations: [PendingAnnotation]
    }

    /// Imports the instances annotated in a COCO or LVIS file as cutouts: each annotation's mask
    /// (polygons rasterised as pycocotools does, or RLE) cuts its object out of the image, cropped
    /// to the mask. Images are looked up under `imageRoot` by `file_name`, else by the last two
    /// segments of `coco_url` (`<split>/<file>`, as detectron2 does), else its last segment.
    ///
    /// Categories of an LVIS file (they carry synsets or frequencies) keep their LVIS ids; COCO
    /// categories are matched to bank categories by name or synonym, else become user categories.
    /// Crowd annotations are skipped unless `Options.includeCrowd`. Each source image is recorded
    /// once (kind uploaded, with its URL and licence), its cutouts with segmenter `annotation`.
    public func importCOCO(annotations file: URL, imageRoot: URL) throws(BankError) -> ImportSummary {
        var summary = ImportSummary()
        let reader = LVISReader(url: file)
        let fileCategories: [LVISCategory]
        do { fileCategories = try reader.readCategories() } catch { throw BankError.invalidImport("\(file.path): \(error)") }
        let categoryMap = try mapCategories(fileCategories, summary: &summary)

        var images: [Int: LVISImage] = [:]
        var licences: [Int: String] = [:]
        do {
            try reader.read(
                licenses: { licences[$0.id] = $0.name ?? $0.url },
                images: { images[$0.id] = $0 })
        } catch {
            throw BankError.invalidImport("\(file.path): \(error)")
        }
        var pending: [Int: [PendingAnnotation]] = [:]
        var skipped: [ImportSummary.Skipped] = []
        var seen = 0
        let includeCrowd = options.includeCrowd
        do {
            try reader.read(annotations: { a in
                seen += 1
                let label = "\(file.lastPathComponent)#annotation \(a.id)"
                guard includeCrowd || (a.isCrowd ?? 0) == 0 else {
                    skipped.append(.init(path: label, reason: "crowd annotation"))
                    return
                }
                guard let image = images[a.imageID] else {
                    skipped.append(.init(path: label, reason: "image \(a.imageID) is not in the file"))
                    return
                }
                guard let categoryId = categoryMap[a.categoryID] else {
                    skipped.append(.init(path: label, reason: "category \(a.categoryID) is not in the file"))
                    return
                }
                do {
                    let mask = try Self.rle(a.segmentation, height: image.height, width: image.width)
                    pending[a.imageID, default: []].append(PendingAnnotation(id: a.id, categoryId: categoryId, mask: mask))
                } catch {
                    skipped.append(.init(path: label, reason: "\(error)"))
                }
            })
        } catch {
            throw BankError.invalidImport("\(file.path): \(error)")
        }
        summary.files = seen
        summary.skipped = skipped
        logger.info("importing COCO/LVIS annotations", metadata: [
            "file": "\(file.path)", "images": "\(pending.count)", "annotations": "\(seen)",
        ])

        let work = pending.keys.sorted().map { id in
            let image = images[id]!
            return ImageWork(
                image: image, path: Self.imagePath(image, root: imageRoot), licence: image.license.flatMap { licences[$0] },
                annotations: pending[id]!.sorted { $0.id < $1.id })
        }
        // Batches of whole images holding about `batchSize` annotations.
        var start = 0
        while start < work.count {
            var end = start, annotations = 0
            while end < work.count && (end == start || annotations + work[end].annotations.count <= max(1, options.batchSize)) {
                annotations += work[end].annotations.count
                end += 1
            }
            let results = parallelMap(Array(work[start..<end])) { item throws(BankError) in try cutouts(of: item) }
            var ready: [PendingCutout] = []
            for (item, result) in zip(work[start..<end], results) {
                switch result {
                case .success(let (cutouts, empty)):
                    ready += cutouts
                    for id in empty {
                        summary.skipped.append(.init(path: "\(file.lastPathComponent)#annotation \(id)", reason: "empty mask"))
                    }
                case .failure(let error):
                    for a in item.annotations {
                        summary.skipped.append(.init(path: "\(file.lastPathComponent)#annotation \(a.id)", reason: error.description))
                    }
                }
            }
            try commit(ready, into: &summary)
            start = end
        }
        logger.info("import finished", metadata: [
            "annotations": "\(summary.files)", "imported": "\(summary.imported)", "duplicates": "\(summary.duplicates)",
            "skipped": "\(summary.skipped.count)",
        ])
        return summary
    }

    /// File category id → bank category id.
    private func mapCategories(_ categories: [LVISCategory], summary: inout ImportSummary) throws(BankError) -> [Int: Int64] {
        var map: [Int: Int64] = [:]
        let isLVIS = categories.contains { $0.synset != nil || $0.frequency != nil }
        for c in categories {
            if isLVIS {
                guard c.id >= 1, Int64(c.id) < BankCategory.userIdBase else {
                    throw BankError.invalidImport("LVIS category id \(c.id) is outside 1…\(BankCategory.userIdBase - 1)")
                }
                if try bank.category(id: Int64(c.id)) == nil { summary.categoriesCreated.append(c.name) }
                try bank.upsertCategories([BankCategory(lvis: c)])
                map[c.id] = Int64(c.id)
            } else if let known = try bank.category(named: c.name) {
                map[c.id] = known.id
            } else {
                let created = try bank.userCategory(named: c.name)
                summary.categoriesCreated.append(created.name)
                map[c.id] = created.id
            }
        }
        return map
    }

    /// The annotation's mask as RLE, polygons rasterised exactly as pycocotools does.
    private static func rle(_ segmentation: LVISSegmentation, height: Int, width: Int) throws(BankError) -> RLE {
        do {
            switch segmentation {
            case .polygons(let rings):
                return try RLE(polygons: rings, height: height, width: width)
            case .rle(let r):
                guard r.height == height, r.width == width else {
                    throw BankError.invalidImport("mask is \(r.width)×\(r.height), its image \(width)×\(height)")
                }
                switch r.counts {
                case .compressed(let text): return try RLE(height: height, width: width, compressedCounts: text)
                case .uncompressed(let runs):
                    guard runs.allSatisfy({ $0 >= 0 && $0 <= UInt32.max }) else { throw BankError.invalidImport("negative run length") }
                    return try RLE(height: height, width: width, counts: runs.map { UInt32($0) })
                }
            }
        } catch let error as BankError {
            throw error
        } catch {
            throw BankError.invalidImport("bad segmentation: \(error)")
        }
    }

    /// Where the image file is under `root`.
    private static func imagePath(_ image: LVISImage, root: URL) -> String? {
        var candidates: [String] = []
        if let name = image.fileName { candidates.append(name) }
        if let url = image.cocoURL {
            let parts = url.split(separator: "/")
            if parts.count >= 2 { candidates.append(parts.suffix(2).joined(separator: "/")) }
            if let last = parts.last { candidates.append(String(last)) }
        }
        return candidates.lazy.map { root.appendingPathComponent($0).path }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// One image decoded once, every annotation cut out of it; the ids of empty masks on the side.
    private func cutouts(of work: ImageWork) throws(BankError) -> ([PendingCutout], [Int]) {
        guard let path = work.path else {
            throw BankError.invalidImport("image \(work.image.id) (\(work.image.fileName ?? work.image.cocoURL ?? "no name")) not found")
        }
        let bytes = try Self.read(path, limits: options.limits)
        let image = try CutoutPreparer.decode(bytes, limits: options.limits)
        guard image.width == work.image.width, image.height == work.image.height else {
            throw BankError.invalidImport("\(path) is \(image.width)×\(image.height), the annotations say \(work.image.width)×\(work.image.height)")
        }
        let mediaType = ImageFormat.sniff(bytes).map { "image/\($0.rawValue)" }
        let source = NewSource(
            kind: .uploaded, sha256: SHA256.hash(bytes), width: image.width, height: image.height,
            provenance: SourceProvenance(
                url: work.image.cocoURL ?? work.image.flickrURL ?? URL(fileURLWithPath: path).absoluteString, licence: work.licence),
            jobId: options.jobId, mediaType: mediaType, status: .extracted)
        var out: [PendingCutout] = []
        var empty: [Int] = []
        for annotation in work.annotations {
            guard let prepared = try CutoutPreparer.cut(image, by: annotation.mask.decode()) else {
                empty.append(annotation.id)
                continue
            }
            var instance = try newInstance(
                prepared, categoryId: annotation.categoryId, reason: "annotation \(annotation.id) of \(URL(fileURLWithPath: path).lastPathComponent)")
            instance.segmenter = "annotation"
            out.append(PendingCutout(source: source, instance: instance))
        }
        return (out, empty)
    }
}
