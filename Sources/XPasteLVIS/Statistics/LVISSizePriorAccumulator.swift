/// Collects `sqrt(bbox area / image area)` per category from streamed images and annotations,
/// in either order (the LVIS train file lists annotations before images), then computes
/// `LVISSizePrior`.
///
/// Memory: one Double per annotation plus image areas; annotations seen before their image are
/// parked as (image id, category id, box area) until the images arrive.
public struct LVISSizePriorAccumulator: LVISVisitor, Sendable {
    /// Counts from a computation.
    public struct Summary: Sendable, Hashable {
        /// Annotations that contributed.
        public var annotationCount = 0
        /// Annotations skipped because their image is not in the file.
        public var unknownImageCount = 0
        /// Annotations skipped because their image has zero area.
        public var emptyImageCount = 0
        /// Categories with at least one annotation.
        public var categoryCount = 0
    }

    private struct Parked: Sendable {
        var imageID: Int
        var categoryID: Int
        var boxArea: Double
    }

    private var imageAreas: [Int: Double] = [:]
    private var values: [Int: [Double]] = [:]
    private var parked: [Parked] = []
    private var summary = Summary()

    /// An empty accumulator.
    public init() {}

    /// Records an image's area.
    public mutating func visit(image: LVISImage, index: Int) {
        imageAreas[image.id] = Double(image.width) * Double(image.height)
    }

    /// Records an annotation's relative size (or parks it until its image is known).
    public mutating func visit(annotation: LVISAnnotation, index: Int) {
        let boxArea = annotation.bbox.width * annotation.bbox.height
        if let imageArea = imageAreas[annotation.imageID] {
            add(category: annotation.categoryID, boxArea: boxArea, imageArea: imageArea)
        } else {
            parked.append(Parked(imageID: annotation.imageID, categoryID: annotation.categoryID, boxArea: boxArea))
        }
    }

    private mutating func add(category: Int, boxArea: Double, imageArea: Double) {
        guard imageArea > 0 else {
            summary.emptyImageCount += 1
            return
        }
        values[category, default: []].append((boxArea / imageArea).squareRoot())
        summary.annotationCount += 1
    }

    /// Resolves parked annotations and computes mean and population std per category.
    public mutating func finish() -> (prior: LVISSizePrior, summary: Summary) {
        for p in parked {
            if let imageArea = imageAreas[p.imageID] {
                add(category: p.categoryID, boxArea: p.boxArea, imageArea: imageArea)
            } else {
                summary.unknownImageCount += 1
            }
        }
        parked = []
        var stats: [Int: LVISSizePrior.Statistic] = [:]
        for (category, xs) in values {
            let n = Double(xs.count)
            let mean = PairwiseSum.sum(xs) / n
            let squares = xs.map { ($0 - mean) * ($0 - mean) }
            let std = (PairwiseSum.sum(squares) / n).squareRoot()
            stats[category] = LVISSizePrior.Statistic(mean: mean, std: std)
        }
        summary.categoryCount = stats.count
        return (LVISSizePrior(statistics: stats), summary)
    }
}
