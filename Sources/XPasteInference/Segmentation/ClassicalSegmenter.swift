import XPasteImage

/// A segmenter that needs no weights, for a single object on a plain background (the typical
/// generated image): a model of the background colours from the image border, a per-pixel colour
/// distance to it, Otsu's threshold on that distance, morphological opening and closing, the
/// largest component with its holes filled, and a feathered edge.
///
/// Steps, at a working resolution of at most `workingSide` pixels on the long side:
/// 1. RGB (alpha dropped), box-smoothed per channel with `smoothingRadius` against sensor noise
///    and fine texture;
/// 2. `BorderColorModel` on a band `borderFraction` of the short side wide: up to
///    `maxBackgroundColors` colours, each with its spread;
/// 3. distance = RGB distance to the nearest background colour ÷ its spread; threshold = Otsu's
///    on the distance histogram, at least `minimumThreshold` spreads;
/// 4. opening by a disk of `openRadius` (specks), closing by `closeRadius` (cracks), the largest
///    8-connected component with holes filled;
/// 5. a Gaussian feather of σ `featherSigma`, then back to the image's size (bilinear).
///
/// Measured IoU (mask > 128 vs ground truth; figures in ClassicalSegmenterTests and
/// docs/BENCHMARKS.md "Extractor"): the horse silhouette on white, objects composited onto plain
/// colours, and the same objects on textured backgrounds, where a colour model is weakest.
public struct ClassicalSegmenter: Segmenter {
    /// The name recorded with every cutout.
    public var name: String
    /// Longest side the analysis runs at; larger images are shrunk (area filter) and the mask
    /// enlarged back.
    public var workingSide: Int
    /// Box radius of the per-channel smoothing before the colour model (0 = none).
    public var smoothingRadius: Int
    /// Width of the border band, as a fraction of the shorter side (at least one pixel).
    public var borderFraction: Double
    /// Most background colours modelled.
    public var maxBackgroundColors: Int
    /// Smallest share of the border a colour needs to count as background.
    public var minimumColorShare: Double
    /// Lowest spread of a background colour, in 8-bit RGB units (a flat colour still has noise).
    public var noiseFloor: Float
    /// Lowest threshold, in spreads, whatever Otsu says (keeps an empty scene empty).
    public var minimumThreshold: Float
    /// Radius of the opening disk (0 = none).
    public var openRadius: Int
    /// Radius of the closing disk (0 = none).
    public var closeRadius: Int
    /// σ of the Gaussian feather on the final edge, in working pixels (0 = hard edge).
    public var featherSigma: Double

    /// The defaults the IoU figures were measured with.
    public init(
        name: String = "classical", workingSide: Int = 1024, smoothingRadius: Int = 1, borderFraction: Double = 0.02,
        maxBackgroundColors: Int = 3, minimumColorShare: Double = 0.1, noiseFloor: Float = 4, minimumThreshold: Float = 3,
        openRadius: Int = 1, closeRadius: Int = 3, featherSigma: Double = 1
    ) {
        self.name = name
        self.workingSide = workingSide
        self.smoothingRadius = smoothingRadius
        self.borderFraction = borderFraction
        self.maxBackgroundColors = maxBackgroundColors
        self.minimumColorShare = minimumColorShare
        self.noiseFloor = noiseFloor
        self.minimumThreshold = minimumThreshold
        self.openRadius = openRadius
        self.closeRadius = closeRadius
        self.featherSigma = featherSigma
    }

    /// The soft masks of `images`, one at a time.
    public func segment(_ images: [Image]) throws(InferenceError) -> [Mask] {
        var out: [Mask] = []
        for image in images { out.append(try segmentOne(image)) }
        return out
    }

    private func segmentOne(_ image: Image) throws(InferenceError) -> Mask {
        guard image.width > 0, image.height > 0 else {
            throw .invalidInput("cannot segment an empty \(image.width)×\(image.height) image")
        }
        guard workingSide > 0, maxBackgroundColors > 0, noiseFloor > 0 else {
            throw .invalidInput("\(name): workingSide, maxBackgroundColors and noiseFloor must be positive")
        }
        do {
            var work = SalientSegmenter.rgb(image)
            let longest = max(image.width, image.height)
            if longest > workingSide {
                let scale = Double(workingSide) / Double(longest)
                work = try work.resized(
                    width: max(1, Int((Double(image.width) * scale).rounded())),
                    height: max(1, Int((Double(image.height) * scale).rounded())), filter: .area)
            }
            if smoothingRadius > 0 { work = try Self.boxSmoothed(work, radius: smoothingRadius) }
            let w = work.width, h = work.height
            let band = max(1, Int((borderFraction * Double(min(w, h))).rounded()))
            let distances = work.pixels.withUnsafeBufferPointer { px in
                let model = BorderColorModel(
                    rgb: px, width: w, height: h, band: band, maxColors: maxBackgroundColors,
                    minShare: minimumColorShare, noiseFloor: noiseFloor)
                return model.distances(px, count: w * h)
            }
            let threshold = max(Self.otsuThreshold(distances), minimumThreshold)
            var object = try BinaryMask(width: w, height: h, bits: distances.map { $0 > threshold ? 1 : 0 })
            if openRadius > 0 { object = try object.opened(by: .disk(radius: openRadius)) }
            // The closing only decides which pixels belong together (an object split by a thin
            // background-coloured band stays one object); the pixels kept are the unclosed ones,
            // and holes are those of the unclosed mask, so a narrow gap between legs that the
            // closing would seal is not filled in as a hole.
            let region = closeRadius > 0 ? try object.closed(by: .disk(radius: closeRadius)).largestComponent() : object.largestComponent()
            object = try object.intersection(region).holesFilled()
            var soft = object.soft()
            if featherSigma > 0 { soft = try soft.gaussianBlurred(sigma: featherSigma) }
            if w != image.width || h != image.height {
                soft = try soft.resized(width: image.width, height: image.height, filter: .bilinear)
            }
            return soft
        } catch {
            throw .invalidInput("\(name) cannot segment a \(image.width)×\(image.height) image: \(error)")
        }
    }

    /// Otsu's threshold on values ≥ 0: the split of a 256-bin histogram over [0, max] that
    /// maximises the between-class variance, as the upper edge of the last background bin.
    static func otsuThreshold(_ values: [Float]) -> Float {
        let top = values.max() ?? 0
        guard top > 0 else { return 0 }
        let bins = 256
        let scale = Float(bins) / top
        var histogram = [Double](repeating: 0, count: bins)
        for v in values { histogram[min(bins - 1, Int(v * scale))] += 1 }
        let total = Double(values.count)
        let weightedTotal = histogram.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element }
        var background = 0.0, weighted = 0.0, best = -1.0, split = 0
        for t in 0..<(bins - 1) {
            background += histogram[t]
            weighted += Double(t) * histogram[t]
            let foreground = total - background
            guard background > 0, foreground > 0 else { continue }
            let meanBackground = weighted / background
            let meanForeground = (weightedTotal - weighted) / foreground
            let between = background * foreground * (meanBackground - meanForeground) * (meanBackground - meanForeground)
            if between > best {
                best = between
                split = t
            }
        }
        return Float(split + 1) / scale
    }

    /// Each channel box-blurred (OpenCV's `blur`, reflect-101 borders).
    static func boxSmoothed(_ rgb: Image, radius: Int) throws(ImageError) -> Image {
        let n = rgb.pixelCount
        var out = rgb
        for c in 0..<3 {
            var plane = Mask(width: rgb.width, height: rgb.height)
            for i in 0..<n { plane.values[i] = rgb.pixels[i * 3 + c] }
            let blurred = try plane.boxBlurred(radius: radius)
            for i in 0..<n { out.pixels[i * 3 + c] = blurred.values[i] }
        }
        return out
    }
}
