import Foundation
import Logging
import XPasteImage
import XPasteLVIS

/// A copy-paste dataset generation: backgrounds + cutouts → `<out>/<split>/*.jpg`,
/// `<out>/annotations/<split>.json` and `<out>/manifest.json`.
///
/// Images are composed in parallel on `jobs` threads; each image's randomness comes only from
/// (seed, image index), results are written strictly in index order and annotation ids are given
/// at write time, so the output is byte-identical for any thread count.
public final class CompositeRun: Sendable {
    /// The request.
    public let request: CompositeRequest
    /// Output categories (LVIS metadata; counts recomputed at the end).
    public let vocabulary: OutputVocabulary
    private let backgrounds: any BackgroundSource
    private let cutouts: any CutoutSource
    private let cache: CutoutCache
    private let pool: InstancePool
    private let planner: PastePlanner
    private let composer: ImageComposer
    private let sizePriorDescription: [String: String]
    private let cutoutsSnapshot: [String: String]
    private let poolWarnings: [String]
    private let logger: Logger

    /// Prepares a run: maps the cutout categories onto the output vocabulary and builds the pool.
    /// - Parameters:
    ///   - vocabulary: the output categories.
    ///   - backgroundPrior: per-category size statistics of the background annotations (output ids).
    ///   - filePrior: a size-prior file's statistics (LVIS ids), with where it came from.
    public init(request: CompositeRequest, backgrounds: any BackgroundSource, cutouts: any CutoutSource,
                vocabulary: OutputVocabulary, backgroundPrior: LVISSizePrior? = nil, filePrior: (LVISSizePrior, String)? = nil,
                logger: Logger = Logger(label: "xpaste.composite")) throws(CompositorError) {
        try request.parameters.validate()
        guard request.jobs >= 1, request.shardSize >= 1 else { throw .invalidParameter("jobs and shard size must be ≥ 1") }
        if let n = request.imageCount, n < 0 { throw .invalidParameter("image count must be ≥ 0") }
        guard backgrounds.count > 0 else { throw .invalidBackground("no background") }
        let catalog = try cutouts.catalog()
        // Background statistics are keyed by the file's ids; the pool uses output ids.
        var backgroundStatistics: [Int: LVISSizePrior.Statistic] = [:]
        for (id, statistic) in backgroundPrior?.statistics ?? [:] {
            if let output = vocabulary.outputID(backgroundCategory: id) { backgroundStatistics[output] = statistic }
        }
        let prior = PasteSizePrior(
            fromBackgrounds: backgroundStatistics, fromFile: filePrior?.0.statistics ?? [:],
            fallback: LVISSizePrior.Statistic(mean: request.parameters.defaultSizeMean, std: request.parameters.defaultSizeStd))
        var instances: [PoolInstance] = []
        var lvisIDOfOutput: [Int: Int] = [:]
        var warnings: [String] = []
        for (categoryID, ids) in catalog.instances.sorted(by: { $0.key < $1.key }) {
            guard let category = catalog.categories[categoryID] else { continue }
            guard let output = vocabulary.outputID(for: category) else {
                warnings.append("category \(category.name) (\(categoryID)) is not among the output categories: its \(ids.count) cutouts are not pasted")
                continue
            }
            if let l = category.lvisID { lvisIDOfOutput[output] = l }
            for id in ids { instances.append(PoolInstance(id: id, category: output)) }
        }
        guard !instances.isEmpty else {
            throw .emptyPool(catalog.instanceCount == 0 ? "the cutout source has no instance passing the filters"
                             : "no cutout category maps to an output category")
        }
        var frequencies: [Int: LVISFrequency] = [:]
        for c in vocabulary.categories { frequencies[c.id] = c.frequency }
        self.pool = try InstancePool(instances: instances, sampling: request.parameters.sampling, frequency: { frequencies[$0] }) { output in
            prior.statistic(outputCategory: output, lvisCategory: lvisIDOfOutput[output] ?? output)
        }
        self.request = request
        self.vocabulary = vocabulary
        if var annotated = backgrounds as? AnnotatedBackgrounds {
            // The file's own category ids become the output's (see `OutputVocabulary`).
            annotated.categoryMap = vocabulary.backgroundCategoryMap
            self.backgrounds = annotated
        } else {
            self.backgrounds = backgrounds
        }
        self.cutouts = cutouts
        self.cache = CutoutCache(source: cutouts, capacityBytes: request.cacheBytes)
        self.planner = PastePlanner(parameters: request.parameters, pool: pool)
        self.composer = ImageComposer(parameters: request.parameters, cutouts: cache)
        var prior_: [String: String] = ["background_categories": String(backgroundPrior?.statistics.count ?? 0),
                                        "default_mean": String(request.parameters.defaultSizeMean),
                                        "default_std": String(request.parameters.defaultSizeStd)]
        if let (p, origin) = filePrior {
            prior_["file"] = origin
            prior_["file_categories"] = String(p.statistics.count)
        }
        self.sizePriorDescription = prior_
        self.cutoutsSnapshot = try cutouts.snapshot()
        self.poolWarnings = warnings
        self.logger = logger
    }

    /// Number of images the run writes: by default every background's variants.
    public var imageCount: Int { request.imageCount ?? backgrounds.count * request.parameters.variants }

    /// The background (index in its source) and variant of output image `index`.
    public func backgroundAndVariant(of index: Int) -> (background: Int, variant: Int) {
        let v = request.parameters.variants
        return ((index / v) % backgrounds.count, index % v)
    }

    /// The instances the run draws from.
    public var poolSize: Int { pool.count }

    /// Writes the dataset. `progress` is called on the calling thread after every image.
    ///
    /// Nothing appears under the split's final names until the run succeeds (see `OutputStaging`):
    /// a run that fails or is killed leaves one hidden folder, which the next run removes or,
    /// with `request.resume`, continues from.
    ///
    /// `shouldContinue` is asked before each image is written; when it says no, the run throws
    /// `.stopped` and leaves the staging folder for a resumed run.
    public func run(
        progress: (CompositeProgress) -> Void = { _ in }, shouldContinue: () -> Bool = { true }
    ) throws(CompositorError) -> CompositeSummary {
        let started = DispatchTime.now().uptimeNanoseconds
        let p = request.parameters
        let out = request.outputDirectory
        let staging = OutputStaging(out: out, split: p.split)
        if !request.overwrite, staging.splitExists, !(request.resume && staging.isPublishing) {
            throw .invalidParameter("\(out.path) already holds split \"\(p.split)\" (use overwrite to replace it)")
        }
        let registration = DatasetRegistration(format: p.format, out: out, split: p.split, categories: vocabulary.categories, lsj: p.lsj)
        let header: [(String, Data)] = [
            ("created_by", try ManifestWriter.json("xpaste composite")),
            ("seed", try ManifestWriter.json(request.seed)),
            ("format", try ManifestWriter.json(p.format.rawValue)),
            ("split", try ManifestWriter.json(p.split)),
            ("annotation_file", try ManifestWriter.json("annotations/\(p.split).json")),
            ("image_count", try ManifestWriter.json(imageCount)),
            ("parameters", try ManifestWriter.json(p)),
            ("backgrounds", try ManifestWriter.json(backgrounds.manifestDescription)),
            ("cutouts", try ManifestWriter.json(cutoutsSnapshot)),
            ("pool", try ManifestWriter.json(PoolDescription(pool))),
            ("size_prior", try ManifestWriter.json(sizePriorDescription)),
            ("category_mapping", try ManifestWriter.json(vocabulary.notes)),
            ("registration", try ManifestWriter.json(registration)),
        ]
        // What a resumed run must agree with: every input and parameter the output depends on.
        var fingerprint = Data()
        for (key, value) in header {
            fingerprint.append(Data("\(key)=".utf8))
            fingerprint.append(value)
            fingerprint.append(0x0A)
        }
        var resumed = false
        if staging.exists {
            if request.resume {
                guard staging.recordedFingerprint() == fingerprint else {
                    throw .cannotResume("the interrupted run in \(staging.root.path) was made with other inputs or parameters (run without resume to start over)")
                }
                resumed = true
            } else {
                staging.remove()
                logger.notice("removed the leftovers of an interrupted run", metadata: ["folder": "\(staging.root.path)"])
            }
        } else if request.resume {
            logger.notice("nothing to resume: starting a fresh run", metadata: ["folder": "\(staging.root.path)"])
        }
        if !resumed { try staging.create(fingerprint: fingerprint) }
        for w in poolWarnings { logger.warning("\(w)") }
        for note in vocabulary.notes { logger.notice("\(note)") }
        logger.debug("compositing", metadata: ["images": "\(imageCount)", "pool": "\(pool.count)", "categories": "\(pool.categories.count)",
                                              "jobs": "\(request.jobs)", "seed": "\(request.seed)"])

        var summary = CompositeSummary()
        summary.registration = registration
        var skipExamples: [SkipReason: String] = [:]
        func countSkip(_ reason: SkipReason, _ n: Int, _ message: String) throws(CompositorError) {
            summary.counts.skipped[reason.rawValue, default: 0] += n
            if skipExamples[reason] == nil {
                skipExamples[reason] = message
                // Once per reason: one bad file in a million must not flood the log.
                logger.warning("skipping (\(reason.rawValue)): \(message); further skips for this reason are only counted")
            }
            if let limit = request.maxSkipped, summary.counts.skippedTotal > limit {
                throw .tooManySkipped(limit: limit, counts: summary.counts.skipped)
            }
        }
        for (reason, n) in backgrounds.inputSkips.sorted(by: { $0.key < $1.key }) {
            try countSkip(reason, n, "\(n) annotations of the background file name an image id it does not list")
        }

        let writer: LVISWriter
        do {
            var options = LVISWriter.Options(recountCategories: true)
            options.validation = LVISValidator.Options(profile: p.format == .lvis ? .lvis : .coco,
                                                       requirePolygons: p.format == .lvis && p.segmentation == .polygon)
            writer = try LVISWriter(url: staging.annotations, info: vocabulary.info(seed: request.seed, images: imageCount),
                                    licenses: vocabulary.licenses, categories: nil, options: options)
        } catch let e as LVISError {
            throw .lvis(e)
        } catch {
            throw .io("\(error)")
        }
        let manifest = try ManifestWriter(url: staging.manifest, header: header)

        var nextAnnotationID = 1
        var warnedRescale = false
        let worker = ImageWorker(run: self, staging: staging)
        do {
            try OrderedParallelRunner.run(count: imageCount, jobs: request.jobs, window: request.shardSize, work: { i in
                try worker.makeOrReuse(i)
            }, consume: { i, made in
                guard shouldContinue() else { throw CompositorError.stopped }
                if made.reused { summary.resumedImages += 1 }
                if let skip = made.skip {
                    try countSkip(skip.reason, 1, skip.message)
                } else {
                    try writer.append(made.image)
                    try manifest.appendImage(made.record)
                    for (k, var ann) in made.annotations.enumerated() {
                        ann.id = nextAnnotationID
                        try writer.append(ann)
                        var record = made.provenance[k]
                        record.id = nextAnnotationID
                        try manifest.appendAnnotation(record)
                        nextAnnotationID += 1
                    }
                    if made.stats.backgroundsRescaled > 0, !warnedRescale {
                        warnedRescale = true
                        logger.notice("background annotations scaled to the image on disk (same aspect ratio, other size than the annotation file says): \(made.record.background["file"] ?? "")")
                    }
                }
                summary.counts.add(made.stats)
                progress(CompositeProgress(images: i + 1, total: imageCount, annotations: nextAnnotationID - 1))
            })
            let (hits, misses) = cache.statistics
            summary.cacheHits = hits
            summary.cacheMisses = misses
            let lvisSummary = try writer.finish(categories: vocabulary.categories)
            if lvisSummary.warningCount > 0 {
                logger.warning("annotation file written with warnings", metadata: ["count": "\(lvisSummary.warningCount)",
                                                                                   "first": "\(lvisSummary.warnings.first.map { "\($0)" } ?? "")"])
            }
            // Counts only: timings, cache statistics and output paths vary between runs and would
            // break byte-identical output.
            try manifest.finish(trailer: [("summary", try ManifestWriter.json(summary.counts))])
            try staging.publish(overwrite: request.overwrite)
        } catch let e as CompositorError {
            writer.cancel()
            manifest.cancel()
            throw e
        } catch let e as LVISError {
            writer.cancel()
            manifest.cancel()
            throw .lvis(e)
        } catch {
            writer.cancel()
            manifest.cancel()
            throw .io("\(error)")
        }
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        summary.annotationFile = staging.finalAnnotations.path
        summary.manifest = staging.finalManifest.path
        summary.skipReports = skipExamples.sorted { $0.key < $1.key }.map { reason, example in
            "\(reason.rawValue): \(summary.counts.skipped[reason.rawValue] ?? 0) (first: \(example))"
        }
        return summary
    }

    /// Composes output image `index` exactly as the run writes it (before JPEG encoding): its
    /// background, plan, pixels and visible objects. For inspection and tests; the run itself
    /// calls this from its worker threads.
    public func compose(_ index: Int) throws(CompositorError) -> (background: LoadedBackground, plan: PastePlan, composed: ComposedImage) {
        let r = request, p = r.parameters
        // Each image (each variant of a background) draws from its own stream: (seed, image index).
        var rng = PasteRandom.forImage(seed: r.seed, index: index)
        let fit: BackgroundFit
        if let lsj = p.lsj {
            // X-Paste jitters first, then pastes relative to the crop: the jitter takes the first draws.
            fit = .jitter(lsj.draw(using: &rng))
        } else {
            fit = p.maxImageSide.map { .maxSide($0) } ?? .original
        }
        let background = try backgrounds.load(backgroundAndVariant(of: index).background, fit: fit)
        let plan = planner.plan(width: background.image.width, height: background.image.height, using: &rng)
        var objects: [SceneObject] = []
        if p.keepBackgroundAnnotations {
            // LVIS has no crowd regions: in LVIS output a COCO crowd annotation is left out (and its
            // category marked not exhaustive, see `make`).
            for (k, o) in background.objects.enumerated() where !(o.isCrowd && p.format == .lvis) {
                if let so = SceneObject(origin: .background(index: k), category: o.category, isCrowd: o.isCrowd, mask: o.mask, at: o.frame.x, o.frame.y) {
                    objects.append(so)
                }
            }
        }
        let composed = try composer.compose(background: background.image, backgroundObjects: objects, plan: plan)
        return (background, plan, composed)
    }

    /// Makes one image; called on worker threads.
    fileprivate struct ImageWorker: Sendable {
        let run: CompositeRun
        let staging: OutputStaging

        /// Image `index` as an interrupted run finished it, else made now; a background that cannot
        /// be used gives a skip record. Either way the record is kept for a later resume.
        func makeOrReuse(_ index: Int) throws(CompositorError) -> MadeImage {
            let url = staging.record(index)
            if let data = FileManager.default.contents(atPath: url.path), var made = try? JSONDecoder().decode(MadeImage.self, from: data) {
                made.reused = true
                return made
            }
            var made: MadeImage
            do {
                made = try make(index)
            } catch .backgroundSkipped(let reason, let message) {
                made = MadeImage(skip: MadeImage.Skip(reason: reason, message: message))
            }
            let data: Data
            do { data = try JSONEncoder().encode(made) } catch { throw .io("encoding the record of image \(index + 1): \(error)") }
            try OutputStaging.atomicWrite(data, to: url)
            return made
        }

        func make(_ index: Int) throws(CompositorError) -> MadeImage {
            let p = run.request.parameters
            let (background, plan, composed) = try run.compose(index)
            let w = composed.image.width, h = composed.image.height
            var labels = background.labels
            if !p.keepBackgroundAnnotations {
                labels = FederatedLabels.Background(positive: [], negative: labels.negative, notExhaustive: labels.notExhaustive,
                                                    unannotatedPresent: labels.positive)
            } else if p.format == .lvis {
                labels.unannotatedPresent.formUnion(background.objects.filter(\.isCrowd).map(\.category))
            }
            for e in composed.cutoutErrors { run.logger.warning("\(e)", metadata: ["code": "\(e.code)"]) }

            let file = String(format: "%012d.jpg", index + 1)
            let jpeg: [UInt8]
            do { jpeg = try ImageCodec.encodeJPEG(composed.image, quality: p.jpegQuality) } catch let e {
                throw .image(context: "encoding \(file)", e)
            }
            try OutputStaging.atomicWrite(Data(jpeg), to: staging.images.appendingPathComponent(file))

            let imageID = index + 1
            var annotations: [LVISAnnotation] = []
            var provenance: [AnnotationProvenance] = []
            var visible = Set<Int>(), pasted = Set<Int>(), remnants = Set<Int>()
            var stats = CompositeCounts()
            stats.images = 1
            if background.annotationsRescaled { stats.backgroundsRescaled = 1 }
            for o in composed.scene.objects {
                let segmentation: LVISSegmentation
                // COCO crowd regions stay RLE, as COCO writes them.
                switch o.isCrowd ? .rle : p.segmentation {
                case .polygon:
                    let rings = SegmentationEncoder.polygons(o.mask, x: o.frame.x, y: o.frame.y, tolerance: p.polygonTolerance)
                    guard !rings.isEmpty else {
                        remnants.insert(o.category)
                        continue
                    }
                    segmentation = .polygons(rings)
                case .rle:
                    let rle = SegmentationEncoder.rle(o.mask, x: o.frame.x, y: o.frame.y, imageWidth: w, imageHeight: h)
                    segmentation = .rle(LVISRLE(height: h, width: w, counts: .compressed(rle.compressedCounts)))
                }
                annotations.append(LVISAnnotation(
                    id: 0, imageID: imageID, categoryID: o.category, segmentation: segmentation, area: Double(o.area),
                    bbox: LVISBox(x: Double(o.frame.x), y: Double(o.frame.y), width: Double(o.frame.width), height: Double(o.frame.height)),
                    isCrowd: p.format == .coco ? (o.isCrowd ? 1 : 0) : nil))
                visible.insert(o.category)
                switch o.origin {
                case .pasted(let k):
                    pasted.insert(o.category)
                    provenance.append(AnnotationProvenance(imageID: imageID, origin: "pasted", instanceID: plan.pastes[k].instanceID, pasteIndex: k))
                    stats.pastedAnnotations += 1
                case .background(let k):
                    provenance.append(AnnotationProvenance(imageID: imageID, origin: "background",
                                                           backgroundAnnotationID: background.objects[k].annotationID))
                    stats.backgroundAnnotations += 1
                }
            }
            for removal in composed.scene.removals {
                if removal.remaining > 0 { remnants.insert(removal.category) }
                if removal.belowMinArea { stats.droppedSmall += 1 } else { stats.droppedOccluded += 1 }
            }
            stats.annotations = annotations.count
            stats.pastesPlanned = plan.pastes.count
            for outcome in composed.outcomes {
                switch outcome {
                case .pasted: break
                case .skippedSize: stats.skippedSize += 1
                case .skippedCutout: stats.skippedCutout += 1
                case .emptyMask: stats.emptyMask += 1
                }
            }

            var entry: LVISImage
            switch p.format {
            case .lvis:
                let fl = FederatedLabels.after(background: labels, visible: visible, pasted: pasted, remnants: remnants)
                entry = LVISImage.lvis(id: imageID, width: w, height: h, split: p.split, file: file,
                                       negCategoryIDs: fl.negative, notExhaustiveCategoryIDs: fl.notExhaustive)
            case .coco:
                entry = LVISImage(id: imageID, width: w, height: h, cocoURL: "http://images.cocodataset.org/\(p.split)/\(file)", fileName: file)
            }
            entry.license = background.license
            entry.flickrURL = background.flickrURL
            entry.dateCaptured = background.dateCaptured
            var record = ImageRecord(id: imageID, fileName: file, background: background.provenance,
                                     pasted: stats.pastedAnnotations, planned: plan.pastes.count)
            let (backgroundIndex, variant) = run.backgroundAndVariant(of: index)
            record.backgroundIndex = backgroundIndex
            record.variant = variant
            record.lsj = background.jitter.map {
                JitterRecord(scale: $0.scale, imageScale: $0.imageScale, resized: [$0.scaledWidth, $0.scaledHeight],
                             crop: [$0.crop.x, $0.crop.y, $0.crop.width, $0.crop.height])
            }
            return MadeImage(image: entry, annotations: annotations, provenance: provenance, record: record, stats: stats)
        }
    }
}

/// One image's output, handed from a worker to the writer, and kept in the staging folder so a
/// resumed run need not compose it again.
struct MadeImage: Sendable, Codable {
    /// Why an output image was left out.
    struct Skip: Sendable, Codable {
        var reason: SkipReason
        var message: String
    }

    var image: LVISImage
    var annotations: [LVISAnnotation]
    var provenance: [AnnotationProvenance]
    var record: ImageRecord
    var stats: CompositeCounts
    var skip: Skip?
    /// Taken from an interrupted run's record (not stored).
    var reused = false

    enum CodingKeys: String, CodingKey {
        case image, annotations, provenance, record, stats, skip
    }

    init(image: LVISImage, annotations: [LVISAnnotation], provenance: [AnnotationProvenance], record: ImageRecord, stats: CompositeCounts) {
        self.image = image
        self.annotations = annotations
        self.provenance = provenance
        self.record = record
        self.stats = stats
    }

    /// A skipped image: no entry, counted under its reason.
    init(skip: Skip) {
        self.init(image: LVISImage(id: 0, width: 0, height: 0), annotations: [], provenance: [],
                  record: ImageRecord(id: 0, fileName: "", background: [:], pasted: 0, planned: 0), stats: CompositeCounts())
        self.skip = skip
    }
}
