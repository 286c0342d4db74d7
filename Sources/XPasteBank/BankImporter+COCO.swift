import Foundation
import XPasteImage
import XPasteLVIS

extension BankImporter {
    /// An annotation read from the file: a small index entry, its mask parked in the spool.
    private struct SpooledAnnotation: Sendable {
        var imageID: Int
        var id: Int
        var categoryID: Int
        var slot: SegmentationSpool.Slot
    }

    /// An annotation of an image about to be cut: its bank category and where its mask is.
    private struct PendingAnnotation: Sendable {
        var id: Int
        var categoryId: Int64
        var slot: SegmentationSpool.Slot
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
    ///
    /// Memory stays bounded whatever the file's size: it is read once, each annotation's mask going
    /// to an unlinked spool file under `spoolDirectory` (about the size of its JSON) while only a
    /// 40-byte index entry per annotation and each image's few fields stay in memory; then images
    /// are cut a batch at a time, reading back only that batch's masks. LVIS train (1.27 M
    /// annotations) imported in 584 MiB peak (docs/BENCHMARKS.md).
    public func importCOCO(
        annotations file: URL, imageRoot: URL, spoolDirectory: URL = FileManager.default.temporaryDirectory
    ) async throws(BankError) -> ImportSummary {
        var summary = ImportSummary()
        let reader = LVISReader(url: file)
        let spool = try SegmentationSpool(directory: spoolDirectory)
        var images: [Int: LVISImage] = [:]
        var licences: [Int: String] = [:]
        var fileCategories: [LVISCategory] = []
        var index: [SpooledAnnotation] = []
        var skipped: [ImportSummary.Skipped] = []
        var seen = 0
        let includeCrowd = options.includeCrowd
        // One pass over the file: LVIS puts its annotations before its images, so nothing is
        // checked against images or categories until the whole file has been read.
        var spoolError: BankError?
        do {
            try reader.read(
                licenses: { licences[$0.id] = $0.name ?? $0.url },
                images: { image in
                    // Only what finding and recording the image needs: the per-image category lists
                    // of LVIS would otherwise be most of this table.
                    var slim = image
                    slim.negCategoryIDs = nil
                    slim.notExhaustiveCategoryIDs = nil
                    slim.dateCaptured = nil
                    images[image.id] = slim
                },
                annotations: { a in
                    seen += 1
                    guard includeCrowd || (a.isCrowd ?? 0) == 0 else {
                        skipped.append(.init(path: "\(file.lastPathComponent)#annotation \(a.id)", reason: "crowd annotation"))
                        return
                    }
                    do throws(BankError) {
                        index.append(SpooledAnnotation(imageID: a.imageID, id: a.id, categoryID: a.categoryID, slot: try spool.append(a.segmentation)))
                    } catch {
                        spoolError = error
                        throw error
                    }
                },
                categories: { fileCategories.append($0) })
        } catch {
            if let spoolError { throw spoolError }
            throw BankError.invalidImport("\(file.path): \(error)")
        }
        try spool.finishWriting()
        let categoryMap = try await mapCategories(fileCategories, summary: &summary)
        summary.files = seen
        summary.skipped = skipped
        logger.info("importing COCO/LVIS annotations", metadata: [
            "file": "\(file.path)", "images": "\(images.count)", "annotations": "\(seen)",
        ])

        // Image by image in id order (annotations by id within one), a batch of whole images
        // holding about `batchSize` annotations at a time.
        index.sort { ($0.imageID, $0.id) < ($1.imageID, $1.id) }
        var position = 0
        func nextImage() -> ImageWork? {
            while position < index.count {
                let imageID = index[position].imageID
                var end = position
                while end < index.count && index[end].imageID == imageID { end += 1 }
                defer { position = end }
                guard let image = images[imageID] else {
                    for a in index[position..<end] {
                        summary.skipped.append(.init(path: "\(file.lastPathComponent)#annotation \(a.id)", reason: "image \(imageID) is not in the file"))
                    }
                    continue
                }
                var annotations: [PendingAnnotation] = []
                for a in index[position..<end] {
                    guard let categoryId = categoryMap[a.categoryID] else {
                        summary.skipped.append(.init(path: "\(file.lastPathComponent)#annotation \(a.id)", reason: "category \(a.categoryID) is not in the file"))
                        continue
                    }
                    annotations.append(PendingAnnotation(id: a.id, categoryId: categoryId, slot: a.slot))
                }
                guard !annotations.isEmpty else { continue }
                return ImageWork(
                    image: image, path: Self.imagePath(image, root: imageRoot), licence: image.license.flatMap { licences[$0] },
                    annotations: annotations)
            }
            return nil
        }
        var carried = nextImage()
        while let first = carried {
            var batch = [first], annotations = first.annotations.count
            carried = nextImage()
            while let next = carried, annotations + next.annotations.count <= max(1, options.batchSize) {
                batch.append(next)
                annotations += next.annotations.count
                carried = nextImage()
            }
            let results = await parallelMap(batch) { item throws(BankError) in try cutouts(of: item, spool: spool) }
            var ready: [PendingCutout] = []
            for (item, result) in zip(batch, results) {
                switch result {
                case .success(let (cutouts, refused)):
                    ready += cutouts
                    for (id, reason) in refused {
                        summary.skipped.append(.init(path: "\(file.lastPathComponent)#annotation \(id)", reason: reason))
                    }
                case .failure(let error):
                    for a in item.annotations {
                        summary.skipped.append(.init(path: "\(file.lastPathComponent)#annotation \(a.id)", reason: error.description))
                    }
                }
            }
            try await commit(ready, into: &summary)
        }
        logger.info("import finished", metadata: [
            "annotations": "\(summary.files)", "imported": "\(summary.imported)", "duplicates": "\(summary.duplicates)",
            "skipped": "\(summary.skipped.count)",
        ])
        return summary
    }

    /// File category id → bank category id.
    private func mapCategories(_ categories: [LVISCategory], summary: inout ImportSummary) async throws(BankError) -> [Int: Int64] {
        var map: [Int: Int64] = [:]
        let isLVIS = categories.contains { $0.synset != nil || $0.frequency != nil }
        for c in categories {
            if isLVIS {
                guard c.id >= 1, Int64(c.id) < BankCategory.userIdBase else {
                    throw BankError.invalidImport("LVIS category id \(c.id) is outside 1…\(BankCategory.userIdBase - 1)")
                }
                if try await bank.category(id: Int64(c.id)) == nil { summary.categoriesCreated.append(c.name) }
                try await bank.upsertCategories([BankCategory(lvis: c)])
                map[c.id] = Int64(c.id)
            } else if let known = try await bank.category(named: c.name) {
                map[c.id] = known.id
            } else {
                let created = try await bank.userCategory(named: c.name)
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

    /// One image decoded once, every annotation cut out of it; the ids of annotations refused (an
    /// empty or malformed mask) with the reason on the side.
    private func cutouts(of work: ImageWork, spool: SegmentationSpool) throws(BankError) -> ([PendingCutout], [(Int, String)]) {
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
            kind: .uploaded, sha256: SHA256Digest(hashing: bytes), width: image.width, height: image.height,
            provenance: SourceProvenance(
                url: work.image.cocoURL ?? work.image.flickrURL ?? URL(fileURLWithPath: path).absoluteString, licence: work.licence),
            jobId: options.jobId, mediaType: mediaType, status: .extracted)
        var out: [PendingCutout] = []
        var refused: [(Int, String)] = []
        for annotation in work.annotations {
            let mask: RLE
            do throws(BankError) {
                mask = try Self.rle(spool.read(annotation.slot), height: image.height, width: image.width)
            } catch {
                refused.append((annotation.id, error.description))
                continue
            }
            guard let prepared = try CutoutPreparer.cut(image, by: mask.decode()) else {
                refused.append((annotation.id, "empty mask"))
                continue
            }
            var instance = try newInstance(
                prepared, categoryId: annotation.categoryId, reason: "annotation \(annotation.id) of \(URL(fileURLWithPath: path).lastPathComponent)")
            instance.segmenter = "annotation"
            out.append(PendingCutout(source: source, instance: instance))
        }
        return (out, refused)
    }
}
