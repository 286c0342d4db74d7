import XPasteBank
import XPasteImage

/// Every knob of the paste step, with X-Paste's values as defaults.
///
/// The whole struct is written into `manifest.json`, so a dataset records exactly how it was made;
/// two runs with equal parameters, seed and bank contents write byte-identical files.
public struct CompositorParameters: Sendable, Codable, Hashable {
    // MARK: How many and which instances

    /// Fewest instances pasted into one image (X-Paste: 0).
    public var minInstances: Int = 0
    /// Most instances pasted into one image; the count is uniform over the closed range
    /// (X-Paste: `randint(0, 20)`, i.e. 0…19).
    public var maxInstances: Int = 19
    /// How an instance is drawn from the pool.
    public var sampling: CategorySampling = .categoryBalanced

    // MARK: Size and shape

    /// Lower clip of the sampled size s = sqrt(area ratio), in pixels of the image height:
    /// s ≥ `minSizePixels` / H (X-Paste: 10).
    public var minSizePixels: Double = 10
    /// Upper clip of s (X-Paste: 0.5).
    public var maxSizeRatio: Double = 0.5
    /// Mean of s for categories without any prior (median of LVIS v1's per-category means).
    public var defaultSizeMean: Double = 0.12
    /// Standard deviation of s for categories without any prior (median over LVIS v1).
    public var defaultSizeStd: Double = 0.09
    /// Aspect jitter: the cutout's width/height ratio is multiplied by U(1 − j, 1 + j) (X-Paste: 0.2).
    public var aspectJitter: Double = 0.2
    /// Resampling filter for resizing cutouts. The default resizes premultiplied RGBA from the
    /// cutout's nearest area-halved copy (`CutoutPyramid`) with Pillow's antialiased bilinear, which
    /// keeps small pastes from aliasing but grows their masks a little (alpha smeared over more
    /// pixels: median +21% area below 20 px a side). `.linear` is X-Paste's exact path
    /// (`cv2.resize` INTER_LINEAR on straight RGBA, from the full cutout; the CLI's `xpaste`).
    public var resizeFilter: ResizeFilter = .bilinear
    /// A planned paste whose width or height is below this many pixels, or not smaller than the
    /// image, is skipped (X-Paste: 5).
    public var minPatchSide: Int = 5

    // MARK: Augmentations of the cutout

    /// Probability of a horizontal flip (X-Paste: 0.5).
    public var flipProbability: Double = 0.5
    /// Probability of rotating the cutout (X-Paste: off; its `RANDOM_ROTATE` option rotates every one).
    public var rotationProbability: Double = 0
    /// Largest rotation in degrees; the angle is uniform in ±this (X-Paste: 30).
    public var maxRotationDegrees: Double = 30
    /// Probability of colour-jittering the cutout (X-Paste with `color_aug`: 0.5; off by default).
    public var colorJitterProbability: Double = 0
    /// Brightness factor range ±this (albumentations ColorJitter in X-Paste: 0.2).
    public var brightness: Double = 0.2
    /// Contrast factor range ±this.
    public var contrast: Double = 0.2
    /// Saturation factor range ±this.
    public var saturation: Double = 0.2
    /// Hue shift range ±this, as a fraction of the full hue circle.
    public var hue: Double = 0.2

    // MARK: Blending and masks

    /// How the cutout's pixels are laid over the background.
    public var blending: BlendMode = .hard
    /// Standard deviation, in pixels, of the gaussian that feathers the mask edge in `.gaussian`.
    public var featherSigma: Double = 1.5
    /// A resized cutout pixel belongs to the object's mask when its alpha is at least this
    /// (X-Paste: alpha > 0 after resizing, i.e. 1).
    public var alphaThreshold: UInt8 = 1

    // MARK: Occlusion and clean-up

    /// An occluded object survives when every side of its box moved at most this many pixels …
    /// (X-Paste / mmdetection `bbox_occluded_thr`: 10).
    public var boxOccludedThreshold: Double = 10
    /// … or when more than this many of its mask pixels remain visible (`mask_occluded_thr`: 300).
    public var maskOccludedThreshold: Int = 300
    /// Objects with fewer visible pixels than this at the end are dropped (X-Paste has no such
    /// step; below 4 pixels a polygon cannot describe the mask and mmdetection rejects w or h < 1).
    public var minArea: Int = 4

    // MARK: Output

    /// Annotation file flavour.
    public var format: DatasetFormat = .lvis
    /// How masks are written.
    public var segmentation: SegmentationEncoding = .polygon
    /// Douglas–Peucker tolerance in pixels for polygon rings (0 keeps every contour vertex).
    public var polygonTolerance: Double = 0.5
    /// JPEG quality of the output images (OpenCV's `imwrite` default: 95).
    public var jpegQuality: Int = 95
    /// When set, backgrounds whose longer side exceeds this are resized down to it first (their
    /// annotations are scaled with them).
    public var maxImageSide: Int? = nil
    /// X-Paste's large-scale jitter applied to each background and its annotations before pasting
    /// (X-Paste trains with 640, 0.1…2.0), so pastes are sized relative to the crop as in X-Paste's
    /// training loop; nil pastes on the whole background. Not combined with `maxImageSide`.
    public var lsj: LargeScaleJitter? = nil
    /// Output images per background, each with its own draws (seeded by its image index), so an
    /// offline set approximates X-Paste's new pastes every iteration; image i uses background
    /// ⌊i / variants⌋ (mod the background count) as variant i mod variants.
    public var variants: Int = 1
    /// Split folder and annotation file name: `<out>/<split>/…`, `<out>/annotations/<split>.json`.
    public var split: String = "train"
    /// Keep the background's own annotations (updated for occlusion). Off means only pasted
    /// objects are annotated, and every pasted category is then marked not exhaustive.
    public var keepBackgroundAnnotations: Bool = true

    /// The defaults (X-Paste's values).
    public init() {}

    /// Checks ranges; the CLI and the HTTP API show the message as is.
    public func validate() throws(CompositorError) {
        func bad(_ m: String) -> CompositorError { .invalidParameter(m) }
        // Non-finite values pass the comparisons below (inf ≥ 0) and fail late in the writers.
        for (name, value) in [("min size pixels", minSizePixels), ("max size ratio", maxSizeRatio), ("default size mean", defaultSizeMean),
                              ("default size std", defaultSizeStd), ("aspect jitter", aspectJitter), ("flip probability", flipProbability),
                              ("rotation probability", rotationProbability), ("max rotation", maxRotationDegrees),
                              ("colour jitter probability", colorJitterProbability), ("brightness", brightness), ("contrast", contrast),
                              ("saturation", saturation), ("hue", hue), ("feather sigma", featherSigma),
                              ("box occluded threshold", boxOccludedThreshold), ("polygon tolerance", polygonTolerance)]
        where !value.isFinite {
            throw bad("\(name) must be a finite number, got \(value)")
        }
        guard minInstances >= 0, maxInstances >= minInstances else {
            throw bad("instances per image must satisfy 0 ≤ min ≤ max, got \(minInstances)…\(maxInstances)")
        }
        guard maxInstances <= 1000 else { throw bad("at most 1000 instances per image, got \(maxInstances)") }
        guard minSizePixels >= 0, maxSizeRatio > 0, maxSizeRatio <= 1 else {
            throw bad("size clip needs min-size-pixels ≥ 0 and 0 < max-size-ratio ≤ 1")
        }
        guard defaultSizeMean > 0, defaultSizeStd >= 0 else { throw bad("default size prior needs mean > 0, std ≥ 0") }
        guard aspectJitter >= 0, aspectJitter < 1 else { throw bad("aspect jitter must be in [0, 1), got \(aspectJitter)") }
        guard minPatchSide >= 1 else { throw bad("min patch side must be ≥ 1") }
        for (name, p) in [("flip", flipProbability), ("rotation", rotationProbability), ("colour jitter", colorJitterProbability)] {
            guard (0...1).contains(p) else { throw bad("\(name) probability must be in [0, 1], got \(p)") }
        }
        guard maxRotationDegrees >= 0, maxRotationDegrees <= 180 else { throw bad("max rotation must be in [0, 180] degrees") }
        guard brightness >= 0, contrast >= 0, saturation >= 0, brightness < 1, contrast < 1, saturation < 1 else {
            throw bad("brightness, contrast and saturation ranges must be in [0, 1)")
        }
        guard hue >= 0, hue <= 0.5 else { throw bad("hue range must be in [0, 0.5]") }
        guard featherSigma > 0, featherSigma <= 20 else { throw bad("feather sigma must be in (0, 20]") }
        guard alphaThreshold >= 1 else { throw bad("alpha threshold must be ≥ 1 (alpha 0 is never part of an object)") }
        guard boxOccludedThreshold >= 0, maskOccludedThreshold >= 0 else { throw bad("occlusion thresholds must be ≥ 0") }
        guard minArea >= 1 else { throw bad("min area must be ≥ 1 pixel") }
        guard polygonTolerance >= 0 else { throw bad("polygon tolerance must be ≥ 0") }
        guard (1...100).contains(jpegQuality) else { throw bad("JPEG quality must be in 1…100, got \(jpegQuality)") }
        if let side = maxImageSide, side < 16 { throw bad("max image side must be ≥ 16") }
        if let lsj {
            try lsj.validate()
            guard maxImageSide == nil else { throw bad("lsj and max image side cannot be combined: the jitter sets the size") }
        }
        guard (1...1000).contains(variants) else { throw bad("variants must be in 1…1000, got \(variants)") }
        guard !split.isEmpty, split.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw bad("split name must be non-empty letters, digits, '_' or '-', got \"\(split)\"")
        }
    }
}

/// How the next instance to paste is chosen (the bank's `SamplingMode`s, under X-Paste's names).
public enum CategorySampling: String, Sendable, Codable, Hashable, CaseIterable {
    /// X-Paste's `cas_random`: a category uniformly among those with instances, then an instance
    /// uniformly within it.
    case categoryBalanced = "cas_random"
    /// X-Paste's `random`: an instance uniformly over the whole pool.
    case uniform = "random"
    /// Categories weighted by LVIS frequency group (rare 3.2, common 1.8, frequent 1, like LVIS
    /// repeat-factor sampling), then an instance uniformly.
    case rareFirst = "rare_first"

    /// The bank sampler's mode.
    public var mode: SamplingMode {
        switch self {
        case .categoryBalanced: .classBalanced
        case .uniform: .proportional
        case .rareFirst: .rareFirst(FrequencyWeights())
        }
    }
}

/// How a cutout is laid over the background.
public enum BlendMode: String, Sendable, Codable, Hashable, CaseIterable {
    /// X-Paste's `basic`: mask pixels take the cutout's colour, others keep the background.
    case hard
    /// Straight-alpha blending with the cutout's own soft alpha (X-Paste's `alpha`).
    case alpha
    /// The mask edge feathered inwards: the gaussian-blurred mask, kept inside the mask, is the
    /// blend weight (X-Paste's `gaussian` box-blurs the mask outwards, which blends the cutout's
    /// transparent, meaningless colour into the background as a dark halo).
    case gaussian
}

/// Annotation file flavour.
public enum DatasetFormat: String, Sendable, Codable, Hashable, CaseIterable {
    /// LVIS v1: federated label fields on every image, LVIS category metadata.
    case lvis
    /// COCO instances: category ids from the background annotations, `iscrowd` on annotations.
    case coco
}

/// How masks are written into the annotation file.
public enum SegmentationEncoding: String, Sendable, Codable, Hashable, CaseIterable {
    /// A list of polygon rings (what detectron2's LVIS loader requires).
    case polygon
    /// COCO compressed RLE.
    case rle
}
