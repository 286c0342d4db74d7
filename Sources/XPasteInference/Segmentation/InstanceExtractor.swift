import XPasteImage

/// X-Paste's instance extractor: several segmenters per image, each soft mask binarised (value
/// above `threshold`), the image cut by it onto a white background and scored by CLIP against the
/// category's prompt (`a photo of {name}`, `CLIPScoring.xpaste`); the segmenter whose cutout scores best wins, and its
/// mask is cleaned up into the cutout (`ObjectCutout`: largest component, holes filled, soft alpha
/// inside, tight crop).
///
/// The synchronous `extract(_:)` blocks its thread for every model run; `extract(_:on:)` runs it on
/// an `InferenceExecutor`, off the cooperative pool. CLIP scoring is batched over every image and
/// segmenter of a call.
public final class InstanceExtractor: Sendable {
    /// One image to extract from, with the category it was gathered for.
    public struct Request: Sendable {
        /// The image (RGB or RGBA; alpha is ignored, as rembg ignores it).
        public var image: Image
        /// The category's name (LVIS underscores allowed); the prompt is `a photo of {name}`.
        public var categoryName: String

        /// A request.
        public init(image: Image, categoryName: String) {
            self.image = image
            self.categoryName = categoryName
        }
    }

    /// The segmenters, in order (ties in score go to the earlier one).
    public let segmenters: [any Segmenter]
    /// The CLIP scorer; required with more than one segmenter.
    public let scorer: CLIPScorer?
    /// Mask values above this are the object (X-Paste: `mask > 128`).
    public let threshold: UInt8
    /// Colour the scored cutouts are put on (X-Paste: white).
    public let background: [UInt8]

    /// An extractor. Throws `.invalidInput` without segmenters, with two of the same name, with
    /// several segmenters but no scorer to choose between them, with a threshold of 255 (nothing
    /// could be above it) or with a background that is not three values.
    public init(
        segmenters: [any Segmenter], scorer: CLIPScorer?, threshold: UInt8 = 128, background: [UInt8] = [255, 255, 255]
    ) throws(InferenceError) {
        guard !segmenters.isEmpty else { throw .invalidInput("the extractor needs at least one segmenter") }
        let names = segmenters.map(\.name)
        guard Set(names).count == names.count else { throw .invalidInput("segmenter names must differ: \(names)") }
        guard segmenters.count == 1 || scorer != nil else {
            throw .invalidInput("choosing among \(names.count) segmenters (\(names.joined(separator: ", "))) needs a CLIP scorer")
        }
        guard threshold < 255 else { throw .invalidInput("a threshold of 255 leaves no object") }
        guard background.count == 3 else { throw .invalidInput("the background needs three values, got \(background.count)") }
        self.segmenters = segmenters
        self.scorer = scorer
        self.threshold = threshold
        self.background = background
    }

    /// Extracts the object of every request, in order.
    public func extract(_ requests: [Request]) throws(InferenceError) -> [ExtractionResult] {
        guard !requests.isEmpty else { return [] }
        let images = requests.map(\.image)
        // masks[s][i]: segmenter s on image i.
        var masks: [[Mask]] = []
        for segmenter in segmenters {
            let out = try segmenter.segment(images)
            guard out.count == images.count,
                  zip(out, images).allSatisfy({ $0.width == $1.width && $0.height == $1.height }) else {
                throw .invalidInput("segmenter \(segmenter.name) returned masks that do not match its images")
            }
            masks.append(out)
        }
        let binaries = masks.map { $0.map { $0.binarized(threshold: threshold + 1) } }
        let areas = binaries.map { $0.map(\.area) }

        // Every non-empty (image, segmenter) pair scored X-Paste's way (`CLIPScoring.xpaste`: the
        // whole image, the binary mask's every component on white), in one batched call.
        var scores = [[Float?]](repeating: [Float?](repeating: nil, count: images.count), count: segmenters.count)
        if let scorer {
            var scored: [(s: Int, i: Int)] = []
            for s in segmenters.indices {
                for i in images.indices where areas[s][i] > 0 { scored.append((s, i)) }
            }
            if !scored.isEmpty {
                let prompts = Array(Set(requests.map { CLIPScorer.prompt(for: $0.categoryName) })).sorted()
                let column = Dictionary(uniqueKeysWithValues: prompts.enumerated().map { ($1, $0) })
                var preprocessor = scorer.preprocessor
                preprocessor.background = background
                let pixels = try preprocessor.xpasteBatch(scored.map { images[$0.i] }, masks: scored.map { binaries[$0.s][$0.i] })
                let matrix = try scorer.scores(pixels: pixels, prompts: prompts)
                for (k, pair) in scored.enumerated() {
                    scores[pair.s][pair.i] = matrix[k][column[CLIPScorer.prompt(for: requests[pair.i].categoryName)]!]
                }
            }
        }

        var results: [ExtractionResult] = []
        results.reserveCapacity(images.count)
        for i in images.indices {
            let candidates = segmenters.indices.map { s in
                ExtractionResult.Candidate(segmenter: segmenters[s].name, maskArea: areas[s][i], score: scores[s][i])
            }
            let winner = Self.winner(candidates, scored: scorer != nil)
            let object = try winner.flatMap { s throws(InferenceError) in
                do { return try ObjectCutout.cut(images[i], by: masks[s][i], threshold: threshold) } catch {
                    throw .invalidInput("cannot cut the object out: \(error)")
                }
            }
            results.append(ExtractionResult(
                candidates: candidates, winner: winner, mask: winner.map { masks[$0][i] }, object: object))
        }
        return results
    }

    /// `extract(_:)` on `executor`'s threads.
    public func extract(_ requests: [Request], on executor: InferenceExecutor) async throws(InferenceError) -> [ExtractionResult] {
        try await executor.perform { () throws(InferenceError) -> [ExtractionResult] in try self.extract(requests) }
    }

    /// The image cut by `mask` onto the background colour: X-Paste's `img·m + 1·(1 − m)`.
    public func onBackground(_ image: Image, _ mask: BinaryMask) throws(InferenceError) -> Image {
        var out = Image(width: image.width, height: image.height, format: .rgb8, filledWith: background)
        do {
            try out.composite(SalientSegmenter.rgb(image), atX: 0, y: 0, mask: mask.soft())
        } catch {
            throw .invalidInput("cannot put the cutout on its background: \(error)")
        }
        return out
    }

    /// The best-scoring non-empty candidate (the first on a tie); without scores, the first
    /// non-empty one.
    static func winner(_ candidates: [ExtractionResult.Candidate], scored: Bool) -> Int? {
        var best: Int?
        for (k, c) in candidates.enumerated() where c.maskArea > 0 {
            guard let current = best else {
                best = k
                continue
            }
            if scored, let score = c.score, score > (candidates[current].score ?? -.infinity) { best = k }
        }
        return best
    }
}
