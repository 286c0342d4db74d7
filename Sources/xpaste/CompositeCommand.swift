import ArgumentParser
import Foundation
import Logging
import XPasteBank
import XPasteCompositor
import XPasteImage
import XPasteLVIS

/// `xpaste composite`: composes a copy-paste training set from the bank and
/// backgrounds.
struct CompositeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "composite",
        abstract: "Compose an LVIS/COCO copy-paste training set from bank cutouts and backgrounds.",
        discussion: """
            Pastes accepted bank instances onto backgrounds with X-Paste's paste rules (defaults are X-Paste's: \
            instance count, class-balanced sampling, size prior, aspect jitter, flip, placement, hard blending, \
            occlusion rule), updates the backgrounds' own annotations for occlusion, and writes:
              <out>/<split>/<000000000001>.jpg …    the images
              <out>/annotations/<split>.json        LVIS v1 (or COCO) annotations
              <out>/manifest.json                   parameters, seed, bank snapshot, provenance
            Every run ends by printing ready registration snippets with absolute paths (also kept in the manifest \
            under "registration"). For LVIS output on the LVIS v1 vocabulary they are: detectron2 \
            register_lvis_instances("xpaste_<split>_v1", {}, "<out>/annotations/<split>.json", "<out>/") — the image \
            root needs its trailing "/": detectron2 builds paths as image_root + "<split>/<file>"; mmdetection \
            LVISV1Dataset(data_root="<out>/", ann_file="annotations/<split>.json", data_prefix=dict(img="")). COCO output \
            (--format coco) prints mmdetection's metainfo.classes (the file's category names in file order) and num_classes.
            Categories: in LVIS output the whole LVIS v1 vocabulary is written in id order (from --categories, else the \
            bank's LVIS categories), whatever subset the backgrounds use — mmdetection labels by position in that list. \
            Background-file categories with their own ids map to LVIS by name or synonym; categories LVIS lacks get fresh \
            ids after the largest one. Nothing is dropped; every renumbering is printed and kept in the manifest.
            Bad inputs are skipped, never written wrong: an unreadable or missing background, one whose size has another \
            aspect ratio than its annotation file says (same aspect: labels are scaled and the run says so), one with a \
            corrupt RLE or odd polygon; annotations naming unknown images are counted. Skips are counted by reason in the \
            summary and the manifest, warned about once per reason; --max-skipped N fails the run past N.
            Output folders: the run works in <out>/.xpaste-partial-<split>/ and publishes the split only on success; \
            a later run removes leftovers of a killed one, --resume continues it (byte-identical to an uninterrupted \
            run), --overwrite replaces an existing split entirely.
            Same seed, bank contents and parameters give byte-identical output for any --jobs.
            How this differs from X-Paste's online pasting: X-Paste pastes inside its training loop, after large-scale \
            jitter (EfficientDetResizeCrop 640, scale U(0.1, 2.0)), with new pastes every iteration; its size prior, 10/H \
            floor and "smaller than the image" rule are relative to the jittered crop. A plain offline set pastes once on \
            the whole background: trained with LSJ afterwards, zoom-ins show pastes ~1.3× larger on average and partly \
            outside the crop, strong zoom-outs shrink them below X-Paste's 5 px floor, and every epoch sees the same \
            pastes. What to use when: a plain offline set when the training recipe has no LSJ (or for inspection); \
            --lsj 640:0.1:2.0 --variants N to match X-Paste — each image is then one X-Paste training sample (a crop of \
            at most 640×640, not padded) pasted relative to the crop; train it WITHOUT further LSJ (the registration \
            snippet says so), and N variants per background stand in for per-iteration redraws; the online path the \
            roadmap adds later (pasting inside the data loader) for X-Paste exactly. Resizing: the default \
            (--resize-filter bilinear) resizes premultiplied RGBA from an area-halved copy of the cutout with Pillow's \
            antialiased bilinear, which avoids aliasing but grows small pastes' masks (median +21% area below 20 px a \
            side); --resize-filter xpaste is X-Paste's cv2.resize INTER_LINEAR on straight RGBA from the full cutout. \
            Size prior: per category, statistics of the background annotations (--annotations) override --size-prior's, \
            which override --default-size.
            """
    )

    // MARK: Inputs

    @Option(help: ArgumentHelp("SQLite instance bank to paste accepted instances from (an X-Paste pool goes in with `xpaste bank import --pool`).", valueName: "path"))
    var bank: String = "data/bank.sqlite"

    @Option(help: ArgumentHelp("Background image folder; with --annotations, the root its image paths are resolved against.", valueName: "dir"))
    var backgrounds: String?

    @Option(help: ArgumentHelp("LVIS or COCO annotation file of the backgrounds (their annotations are kept, updated for occlusion).", valueName: "file"))
    var annotations: String?

    @Flag(help: "Use the bank's generated backgrounds (sources of kind \"background\") instead of --backgrounds.")
    var bankBackgrounds = false

    @Option(help: ArgumentHelp("LVIS category list (e.g. lvis_v1_categories.json): the output vocabulary and its metadata, also with --annotations (default: the bank's LVIS categories).", valueName: "file"))
    var categories: String?

    @Option(help: ArgumentHelp("Size-prior JSON ({\"<lvis id>\": [mean, std]} of sqrt(area ratio), e.g. lvis_v1_size_prior.json).", valueName: "file"))
    var sizePrior: String?

    // MARK: Instance filters

    @Option(help: ArgumentHelp("Paste only these categories (comma-separated bank ids or names).", valueName: "list"))
    var only: String?

    @Option(help: ArgumentHelp("Minimum CLIP score of pasted instances.", valueName: "score"))
    var minClipScore: Double?

    @Option(help: ArgumentHelp("Range of instance area ratio in its source image, as MIN:MAX.", valueName: "min:max"))
    var areaRange: String?

    // MARK: Output

    @Option(help: ArgumentHelp("Output dataset folder.", valueName: "dir"))
    var out: String

    @Option(help: "Number of output images (default: one per background).")
    var images: Int?

    @Option(help: "Global seed: image i draws only from (seed, i).")
    var seed: UInt64 = 0

    @Option(help: "Annotation flavour: lvis or coco.")
    var format: String = "lvis"

    @Option(help: "Split name: images go to <out>/<split>/, annotations to <out>/annotations/<split>.json.")
    var split: String = "train"

    @Option(help: "Mask encoding: polygon (detectron2's LVIS loader needs it) or rle.")
    var segmentation: String = "polygon"

    @Option(help: "Douglas–Peucker tolerance of polygon rings in pixels (0: exact pixel outlines).")
    var polygonTolerance: Double = 0.5

    @Option(help: "JPEG quality of the output images (1…100).")
    var jpegQuality: Int = 95

    @Option(help: "Downsize backgrounds whose longer side exceeds this (annotations scaled along).")
    var maxImageSide: Int?

    @Option(help: ArgumentHelp("X-Paste's large-scale jitter before pasting (X-Paste: 640:0.1:2.0): scale U(MIN, MAX), resize to fit SIZE·scale, random crop of at most SIZE×SIZE; background annotations transformed and clipped with it, pastes sized relative to the crop. Train the output without further LSJ.", valueName: "size:min:max"))
    var lsj: String?

    @Option(help: "Composites per background, each with its own draws (default 1); with no --images the run writes backgrounds × N images.")
    var variants: Int = 1

    @Flag(help: "Drop the backgrounds' own annotations (their categories become not exhaustive).")
    var dropBackgroundAnnotations = false

    @Flag(help: "Replace an existing split in --out entirely (its old images and annotation file go).")
    var overwrite = false

    @Flag(help: "Continue an interrupted run (same inputs and parameters) from <out>/.xpaste-partial-<split>/; the result is byte-identical to an uninterrupted run.")
    var resume = false

    @Option(help: ArgumentHelp("Fail once more than N inputs were skipped (bad backgrounds or annotations; default: no limit, every skip counted and reported).", valueName: "N"))
    var maxSkipped: Int?

    // MARK: Paste parameters (X-Paste defaults)

    @Option(help: "Instances per image, uniform over MIN:MAX.")
    var instances: String = "0:19"

    @Option(help: "Instance sampling: cas_random (category, then instance) or random (uniform over instances).")
    var sampling: String = "cas_random"

    @Option(help: "Lower clip of the size s = sqrt(area ratio), in pixels of the image height (s ≥ this / H).")
    var minSizePixels: Double = 10

    @Option(help: "Upper clip of s.")
    var maxSizeRatio: Double = 0.5

    @Option(help: "Size prior for categories without one, as MEAN:STD of s.")
    var defaultSize: String = "0.12:0.09"

    @Option(help: "Aspect jitter j: the cutout's aspect ratio is multiplied by U(1−j, 1+j).")
    var aspectJitter: Double = 0.2

    @Option(help: "Pastes smaller than this many pixels on a side are skipped.")
    var minPatchSide: Int = 5

    @Option(help: "Probability of a horizontal flip.")
    var flipProbability: Double = 0.5

    @Option(help: "Probability of rotating a cutout (0: never).")
    var rotationProbability: Double = 0

    @Option(help: "Largest rotation in degrees.")
    var maxRotation: Double = 30

    @Option(help: "Probability of colour jitter (brightness, contrast, saturation, hue ±0.2).")
    var colorJitterProbability: Double = 0

    @Option(help: "Blending: hard (X-Paste's basic), alpha, or gaussian (edge feathered inwards).")
    var blending: String = "hard"

    @Option(help: "Sigma of the gaussian feathering in pixels.")
    var featherSigma: Double = 1.5

    @Option(help: "A resized cutout pixel is part of the object when its alpha is at least this (1…255).")
    var alphaThreshold: Int = 1

    @Option(help: "Cutout resampling: bilinear (default: premultiplied, from an area-halved copy, antialiased), xpaste (X-Paste's cv2.resize INTER_LINEAR on straight RGBA, from the full cutout; also named linear), bicubic, lanczos, area or nearest.")
    var resizeFilter: String = "bilinear"

    @Option(help: "Occlusion rule: an occluded object survives if every box side moved at most this many pixels …")
    var boxOccludedThreshold: Double = 10

    @Option(help: "… or more than this many of its pixels remain visible.")
    var maskOccludedThreshold: Int = 300

    @Option(help: "Objects with fewer visible pixels are dropped at the end.")
    var minArea: Int = 4

    // MARK: Execution

    @Option(help: "Worker threads (default: all cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Images composed ahead of the writer at most (bounds memory).")
    var shardSize: Int = 64

    @Option(help: "Memory for decoded cutouts, in MiB.")
    var cacheMb: Int = 512

    @Flag(help: "No progress bar.")
    var quiet = false

    func run() throws {
        let logger = Logger(label: "xpaste.composite")
        do {
            try runComposite(logger: logger)
        } catch .lvis(let inner) {
            // An LVIS file's failure keeps its own code and class (malformed: bad input 65,
            // unreadable: I/O 74), exactly as `lvis-stats` reports the same file.
            throw Console.fail(code: inner.code, inner.description)
        } catch let e {
            throw Console.fail(code: e.code, e.description)
        }
    }

    private func pair(_ text: String, _ name: String) throws(CompositorError) -> (Double, Double) {
        let parts = text.split(separator: ":").map { Double($0) }
        guard parts.count == 2, let a = parts[0], let b = parts[1] else { throw .invalidParameter("--\(name) must be A:B, got \(text)") }
        guard a.isFinite, b.isFinite else { throw .invalidParameter("--\(name) must be two finite numbers A:B, got \(text)") }
        return (a, b)
    }

    private func choice<T: RawRepresentable & CaseIterable>(_ text: String, _ name: String, as: T.Type) throws(CompositorError) -> T
        where T.RawValue == String {
        guard let v = T(rawValue: text) else {
            throw .invalidParameter("--\(name) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got \(text)")
        }
        return v
    }

    /// Every floating-point option with its flag, checked up front: a NaN or infinity would trap in a
    /// range or fail late in the manifest writer after the output folders were made.
    private var floatingOptions: [(String, Double?)] {
        [("min-clip-score", minClipScore), ("polygon-tolerance", polygonTolerance), ("min-size-pixels", minSizePixels),
         ("max-size-ratio", maxSizeRatio), ("aspect-jitter", aspectJitter), ("flip-probability", flipProbability),
         ("rotation-probability", rotationProbability), ("max-rotation", maxRotation),
         ("color-jitter-probability", colorJitterProbability), ("feather-sigma", featherSigma),
         ("box-occluded-threshold", boxOccludedThreshold)]
    }

    func parameters() throws(CompositorError) -> CompositorParameters {
        for (name, value) in floatingOptions {
            if let value, !value.isFinite { throw .invalidParameter("--\(name) must be a finite number, got \(value)") }
        }
        guard (0...(1 << 30)).contains(cacheMb) else { throw .invalidParameter("--cache-mb must be in 0…\(1 << 30), got \(cacheMb)") }
        if let images, images < 0 { throw .invalidParameter("--images must be ≥ 0, got \(images)") }
        guard jobs >= 1 else { throw .invalidParameter("--jobs must be ≥ 1, got \(jobs)") }
        guard shardSize >= 1 else { throw .invalidParameter("--shard-size must be ≥ 1, got \(shardSize)") }
        var p = CompositorParameters()
        let (lo, hi) = try pair(instances, "instances")
        guard lo == lo.rounded(), hi == hi.rounded() else { throw .invalidParameter("--instances needs whole numbers") }
        p.minInstances = Int(lo)
        p.maxInstances = Int(hi)
        p.sampling = try choice(sampling, "sampling", as: CategorySampling.self)
        p.minSizePixels = minSizePixels
        p.maxSizeRatio = maxSizeRatio
        (p.defaultSizeMean, p.defaultSizeStd) = try pair(defaultSize, "default-size")
        p.aspectJitter = aspectJitter
        p.minPatchSide = minPatchSide
        p.flipProbability = flipProbability
        p.rotationProbability = rotationProbability
        p.maxRotationDegrees = maxRotation
        p.colorJitterProbability = colorJitterProbability
        p.blending = try choice(blending, "blending", as: BlendMode.self)
        p.featherSigma = featherSigma
        guard (1...255).contains(alphaThreshold) else { throw .invalidParameter("--alpha-threshold must be in 1…255") }
        p.alphaThreshold = UInt8(alphaThreshold)
        p.resizeFilter = resizeFilter == "xpaste" ? .linear : try choice(resizeFilter, "resize-filter", as: ResizeFilter.self)
        p.boxOccludedThreshold = boxOccludedThreshold
        p.maskOccludedThreshold = maskOccludedThreshold
        p.minArea = minArea
        p.format = try choice(format, "format", as: DatasetFormat.self)
        p.segmentation = try choice(segmentation, "segmentation", as: SegmentationEncoding.self)
        p.polygonTolerance = polygonTolerance
        p.jpegQuality = jpegQuality
        p.maxImageSide = maxImageSide
        if let lsj {
            guard let parsed = LargeScaleJitter(parsing: lsj) else {
                throw .invalidParameter("--lsj must be SIZE:MIN:MAX (e.g. 640:0.1:2.0), got \(lsj)")
            }
            p.lsj = parsed
        }
        guard (1...1000).contains(variants) else { throw .invalidParameter("--variants must be in 1…1000, got \(variants)") }
        p.variants = variants
        p.split = split
        p.keepBackgroundAnnotations = !dropBackgroundAnnotations
        try p.validate()
        return p
    }

    private func runComposite(logger: Logger) throws(CompositorError) {
        let p = try parameters()
        if let m = maxSkipped, m < 0 { throw .invalidParameter("--max-skipped must be ≥ 0") }
        if resume && overwrite { throw .invalidParameter("--resume and --overwrite exclude each other") }
        var lvisCategories: [LVISCategory]?
        if let path = categories {
            // A category file that cannot be read or parsed is bad input, not a bad option.
            do { lvisCategories = try LVISReader(url: URL(fileURLWithPath: path)).readCategories() } catch let error as LVISError {
                throw .lvis(error)
            } catch {
                throw .invalidParameter("--categories \(path): \(error)")
            }
        }
        guard FileManager.default.fileExists(atPath: bank) else { throw .invalidParameter("no bank at \(bank) (--bank)") }
        let openedBank: SQLiteBank
        do {
            openedBank = try SQLiteBank(url: URL(fileURLWithPath: bank), configuration: .readOnly, logger: logger)
        } catch {
            throw .bank(error)
        }
        var filter = BankCutoutSource.Filter(minClipScore: minClipScore)
        if let range = areaRange {
            let (lo, hi) = try pair(range, "area-range")
            guard lo <= hi else { throw .invalidParameter("--area-range needs MIN ≤ MAX, got \(range)") }
            filter.areaRatio = lo...hi
        }
        try filter.validate()
        if let only {
            var ids: [Int64] = []
            for item in only.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                if let id = Int64(item) {
                    ids.append(id)
                } else {
                    let c: BankCategory?
                    do { c = try openedBank.category(named: item) } catch { throw .bank(error) }
                    guard let c else { throw .invalidParameter("--only: no category named \(item) in the bank") }
                    ids.append(c.id)
                }
            }
            filter.categoryIDs = ids
        }
        let source = BankCutoutSource(bank: openedBank, filter: filter)
        if lvisCategories == nil {
            // The bank's LVIS categories (loaded from the LVIS list, so with their synsets) are the
            // vocabulary when no list is given.
            let known: [BankCategory]
            do { known = try openedBank.categories().filter { !$0.isUserDefined && $0.synset != nil && $0.frequency != nil } } catch { throw .bank(error) }
            if !known.isEmpty { lvisCategories = known.map(\.lvisCategory) }
        }
        if p.format == .lvis, lvisCategories == nil {
            logger.warning("no LVIS vocabulary known (give --categories, or load it into the bank): the output's category ids are not LVIS's, and LVISV1Dataset will not name them right")
        }

        let backgroundSource: any BackgroundSource
        var backgroundCategories: [LVISCategory]?
        var licenses: [LVISLicense] = []
        var backgroundPrior: LVISSizePrior?
        if let annotations {
            guard let root = backgrounds else { throw .invalidParameter("--annotations needs --backgrounds (the image root)") }
            let annotated = try AnnotatedBackgrounds(annotations: URL(fileURLWithPath: annotations), imageRoot: URL(fileURLWithPath: root),
                                                     limit: images.map { ($0 + variants - 1) / variants })
            backgroundCategories = annotated.categories
            licenses = annotated.licenses
            do { backgroundPrior = try LVISSizePrior.compute(fromFileAt: URL(fileURLWithPath: annotations)).prior } catch {
                throw .invalidBackground("size statistics of \(annotations): \(error)")
            }
            backgroundSource = annotated
        } else if bankBackgrounds {
            backgroundSource = try BankBackgrounds(bank: openedBank)
        } else if let dir = backgrounds {
            backgroundSource = try FolderBackgrounds(folder: URL(fileURLWithPath: dir))
        } else {
            throw .invalidParameter("give --backgrounds (a folder, or the image root of --annotations) or --bank-backgrounds")
        }
        if p.format == .coco, backgroundCategories == nil, lvisCategories == nil {
            logger.notice("COCO output without background annotations: categories are the pasted ones, with their bank ids")
        }
        var filePrior: (LVISSizePrior, String)?
        if let path = sizePrior {
            do { filePrior = (try LVISSizePrior(contentsOf: URL(fileURLWithPath: path)), path) } catch {
                throw .invalidSizePrior("\(path): \(error)")
            }
        }
        let vocabulary = try OutputVocabulary.make(format: p.format, backgroundCategories: backgroundCategories, licenses: licenses,
                                                   lvisCategories: lvisCategories, catalog: source.catalog())
        let request = CompositeRequest(parameters: p, seed: seed, imageCount: images, outputDirectory: URL(fileURLWithPath: out),
                                       jobs: jobs, shardSize: shardSize, cacheBytes: cacheMb << 20, overwrite: overwrite,
                                       resume: resume, maxSkipped: maxSkipped)
        let run = try CompositeRun(request: request, backgrounds: backgroundSource, cutouts: source, vocabulary: vocabulary,
                                   backgroundPrior: backgroundPrior, filePrior: filePrior, logger: logger)
        var bar = ProgressBar(total: run.imageCount, enabled: !quiet)
        let summary = try run.run { bar.update($0) }
        bar.finish()
        print(SummaryTable.render(summary, pool: run.poolSize, jobs: jobs))
        if let registration = summary.registration {
            print("register it (also in the manifest under \"registration\"):")
            print(registration.text)
        }
    }
}

/// A one-line progress bar on stderr: redrawn in place on a terminal, a line per 5 % otherwise.
struct ProgressBar {
    let total: Int
    let enabled: Bool
    private let tty = isatty(2) != 0
    private let start = DispatchTime.now().uptimeNanoseconds
    private var lastDraw: UInt64 = 0
    private var lastStep = -1

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    mutating func update(_ p: CompositeProgress) {
        guard enabled, total > 0 else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let elapsed = Double(now - start) / 1e9
        let rate = elapsed > 0 ? Double(p.images) / elapsed : 0
        let eta = rate > 0 ? Double(total - p.images) / rate : 0
        let line = String(format: "%@ %d/%d images  %d annotations  %.1f img/s  ETA %@",
                          bar(p.images), p.images, total, p.annotations, rate, clock(eta))
        if tty {
            guard now - lastDraw > 100_000_000 || p.images == total else { return }
            lastDraw = now
            Console.err("\r\(line)\u{1B}[K")
        } else {
            let step = p.images * 20 / total
            guard step != lastStep else { return }
            lastStep = step
            Console.err("\(line)\n")
        }
    }

    func finish() {
        if enabled, tty, total > 0 { Console.err("\n") }
    }

    private func bar(_ done: Int) -> String {
        let width = 30, filled = done * width / max(total, 1)
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }

    private func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// The end-of-run summary printed on stdout.
enum SummaryTable {
    static func render(_ summary: CompositeSummary, pool: Int, jobs: Int) -> String {
        let s = summary.counts
        return """
        composite: \(s.images) images, \(s.annotations) annotations in \(String(format: "%.1f", summary.seconds)) s \
        (\(String(format: "%.2f", summary.imagesPerSecond)) images/s on \(jobs) threads)
          pasted annotations      \(s.pastedAnnotations)
          background annotations  \(s.backgroundAnnotations)
          pastes drawn            \(s.pastesPlanned) (skipped: \(s.skippedSize) by size, \(s.skippedCutout) unusable cutout, \(s.emptyMask) empty mask)
          dropped objects         \(s.droppedOccluded) occluded, \(s.droppedSmall) below min area
          skipped inputs          \(s.skippedTotal)\(summary.skipReports.map { "\n    " + $0 }.joined())
          rescaled backgrounds    \(s.backgroundsRescaled) (annotations scaled to the image on disk, same aspect ratio)
          resumed images          \(summary.resumedImages)
          instance pool           \(pool) cutouts; cache \(summary.cacheHits) hits / \(summary.cacheMisses) decodes
          annotations             \(summary.annotationFile)
          manifest                \(summary.manifest)
        """
    }
}
