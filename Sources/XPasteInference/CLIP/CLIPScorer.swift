import Foundation
import Logging
import XPasteImage

/// Image and text embeddings from a CLIP model, and X-Paste's score: 100 × cosine similarity.
///
/// Works with optimum's single-graph export (input_ids, attention_mask, pixel_values →
/// text_embeds, image_embeds) and with separate text and image encoders; input and output names
/// are checked against the model. Text embeddings are cached per prompt, so scoring many cutouts
/// of one category encodes its prompt once. Sendable: share one scorer across tasks.
public final class CLIPScorer: Sendable {
    /// Names of the tensors the scorer feeds and reads (optimum's by default).
    public struct TensorNames: Sendable, Hashable {
        /// Token ids input.
        public var inputIDs = "input_ids"
        /// Attention mask input (used when the text model has it).
        public var attentionMask = "attention_mask"
        /// Preprocessed image input, NCHW float.
        public var pixelValues = "pixel_values"
        /// Text embedding output.
        public var textEmbeds = "text_embeds"
        /// Image embedding output.
        public var imageEmbeds = "image_embeds"

        /// optimum's names.
        public init() {}
    }

    /// The session that encodes text, and the one that encodes images (the same one for a
    /// single-graph export).
    public let textSession: InferenceSession
    /// The session that encodes images.
    public let imageSession: InferenceSession
    /// The tokenizer for prompts.
    public let tokenizer: CLIPTokenizer
    /// Tensor names in use.
    public let names: TensorNames
    /// Largest batch sent to the model in one run.
    public let maxBatch: Int
    /// Image side the model takes (from the pixel input's shape; 224 when dynamic).
    public let imageSize: Int
    /// Prompt → text embedding, shared by every task using the scorer.
    private let cache = LockedDictionary<String, [Float]>()

    /// A scorer on one single-graph CLIP model.
    public convenience init(
        model: InferenceSession, tokenizer: CLIPTokenizer, names: TensorNames = TensorNames(), maxBatch: Int = 32
    ) throws(InferenceError) {
        try self.init(textEncoder: model, imageEncoder: model, tokenizer: tokenizer, names: names, maxBatch: maxBatch)
    }

    /// A scorer on separate text and image encoders.
    public init(
        textEncoder: InferenceSession, imageEncoder: InferenceSession, tokenizer: CLIPTokenizer,
        names: TensorNames = TensorNames(), maxBatch: Int = 32
    ) throws(InferenceError) {
        for (session, inputs, output) in [
            (textEncoder, [names.inputIDs], names.textEmbeds), (imageEncoder, [names.pixelValues], names.imageEmbeds),
        ] {
            for name in inputs where session.input(named: name) == nil {
                throw .invalidInput("\(session.source) has no input \(name); its inputs are \(session.inputs.map(\.description))")
            }
            guard session.output(named: output) != nil else {
                throw .invalidInput("\(session.source) has no output \(output); its outputs are \(session.outputs.map(\.name))")
            }
        }
        let pixel = imageEncoder.input(named: names.pixelValues)!
        guard pixel.rank == 4, pixel.elementType == .float || pixel.elementType == .float16 else {
            throw .invalidInput("\(names.pixelValues) must be a float NCHW tensor, the model has \(pixel)")
        }
        self.textSession = textEncoder
        self.imageSession = imageEncoder
        self.tokenizer = tokenizer
        self.names = names
        self.maxBatch = max(1, maxBatch)
        self.imageSize = pixel.shape[3] ?? 224
    }

    /// X-Paste's score: 100 × cosine(image, text). Inputs need not be normalised.
    public static func score(image: [Float], text: [Float]) -> Float {
        var dot: Float = 0, ni: Float = 0, nt: Float = 0
        for (a, b) in zip(image, text) {
            dot += a * b
            ni += a * a
            nt += b * b
        }
        guard ni > 0, nt > 0 else { return 0 }
        return 100 * dot / (ni.squareRoot() * nt.squareRoot())
    }

    /// L2-normalised text embeddings, one per prompt, from the cache where present.
    public func textEmbeddings(_ prompts: [String], logger: Logger = Logger(label: "xpaste.clip")) throws(InferenceError) -> [[Float]] {
        let missing = Array(Set(prompts.filter { cache[$0] == nil })).sorted()
        var start = 0
        while start < missing.count {
            let chunk = Array(missing[start..<min(start + maxBatch, missing.count)])
            let embeddings = try encodeTexts(chunk)
            for (prompt, e) in zip(chunk, embeddings) { cache[prompt] = e }
            start += chunk.count
        }
        if !missing.isEmpty { logger.debug("encoded prompts", metadata: ["count": "\(missing.count)"]) }
        return prompts.map { cache[$0]! }
    }

    /// L2-normalised image embeddings for preprocessed images `[N, 3, S, S]`, run in batches of
    /// at most `maxBatch`.
    public func imageEmbeddings(_ pixels: Tensor) throws(InferenceError) -> [[Float]] {
        guard pixels.shape.count == 4 else { throw .invalidInput("pixel values must be [N, 3, H, W], got \(pixels.shape)") }
        let items = try pixels.batchItems()
        var out: [[Float]] = []
        var start = 0
        while start < items.count {
            let batch = try Tensor.concatenated(Array(items[start..<min(start + maxBatch, items.count)]))
            out += try encodeImages(batch)
            start += maxBatch
        }
        return out
    }

    /// Scores of every image against every prompt: `result[i][j]` for image i and prompt j.
    public func scores(pixels: Tensor, prompts: [String]) throws(InferenceError) -> [[Float]] {
        let images = try imageEmbeddings(pixels)
        let texts = try textEmbeddings(prompts)
        return images.map { image in texts.map { Self.score(image: image, text: $0) } }
    }

    /// Scores of every image (preprocessed as CLIP does, RGBA cutouts on white) against every
    /// prompt: `result[i][j]` for image i and prompt j.
    public func scores(images: [Image], prompts: [String]) throws(InferenceError) -> [[Float]] {
        try scores(pixels: preprocessor.batch(images), prompts: prompts)
    }

    /// Scores of every image cut by its mask on white, X-Paste's way (`CLIPScoring.xpaste`: the
    /// whole image, every mask component, padded to a square, never cropped), against every prompt.
    public func xpasteScores(images: [Image], masks: [BinaryMask], prompts: [String]) throws(InferenceError) -> [[Float]] {
        try scores(pixels: preprocessor.xpasteBatch(images, masks: masks), prompts: prompts)
    }

    /// X-Paste's prompt for a category: `a photo of {name}`, with LVIS's underscores as spaces.
    public static func prompt(for categoryName: String) -> String {
        "a photo of \(categoryName.replacingOccurrences(of: "_", with: " "))"
    }

    /// X-Paste's filter on the cutouts of one category: each cutout (RGBA, on white) scored against
    /// the category's prompt, then `rule` decides with the category's bar. `areaRatios[i]` is
    /// cutout i's mask area over its source image's area.
    public func judge(
        cutouts: [Image], areaRatios: [Double], categoryName: String, rule: CLIPFilterRule
    ) throws(InferenceError) -> [CLIPFilterRule.Decision] {
        guard cutouts.count == areaRatios.count else {
            throw .invalidInput("\(cutouts.count) cutouts but \(areaRatios.count) area ratios")
        }
        guard !cutouts.isEmpty else { return [] }
        let scores = try scores(images: cutouts, prompts: [Self.prompt(for: categoryName)]).map { $0[0] }
        return rule.decide(zip(scores, areaRatios).map { CLIPFilterRule.Candidate(score: $0, areaRatio: $1) })
    }

    /// The preprocessing matching the model's image input.
    public var preprocessor: CLIPPreprocessor { CLIPPreprocessor(size: imageSize) }

    /// Number of prompts whose embedding is cached.
    public var cachedPrompts: Int { cache.count }

    private func encodeTexts(_ prompts: [String]) throws(InferenceError) -> [[Float]] {
        var feeds = try textFeeds(prompts, session: textSession)
        if textSession === imageSession || textSession.input(named: names.pixelValues) != nil {
            // A single graph wants every input; one blank image is the cheapest filler.
            feeds[names.pixelValues] = try blankPixels(session: textSession)
        }
        let out = try textSession.run(feeds, outputNames: [names.textEmbeds])
        return try rows(out[names.textEmbeds]!, count: prompts.count)
    }

    private func encodeImages(_ pixels: Tensor) throws(InferenceError) -> [[Float]] {
        let info = imageSession.input(named: names.pixelValues)!
        let input = info.elementType == .float16 ? try Tensor(float16From: pixels.floats(), shape: pixels.shape) : pixels
        var feeds = [names.pixelValues: input]
        if imageSession.input(named: names.inputIDs) != nil {
            feeds.merge(try textFeeds([""], session: imageSession)) { a, _ in a }
        }
        let out = try imageSession.run(feeds, outputNames: [names.imageEmbeds])
        return try rows(out[names.imageEmbeds]!, count: pixels.shape[0])
    }

    private func textFeeds(_ prompts: [String], session: InferenceSession) throws(InferenceError) -> [String: Tensor] {
        let (ids, mask) = try tokenizer.batch(prompts)
        let idsInfo = session.input(named: names.inputIDs)!
        var feeds: [String: Tensor] = [
            names.inputIDs: idsInfo.elementType == .int32 ? try Tensor(int32s: ids.int64s().map { Int32($0) }, shape: ids.shape) : ids,
        ]
        if let maskInfo = session.input(named: names.attentionMask) {
            feeds[names.attentionMask] = maskInfo.elementType == .int32
                ? try Tensor(int32s: mask.int64s().map { Int32($0) }, shape: mask.shape) : mask
        }
        return feeds
    }

    private func blankPixels(session: InferenceSession) throws(InferenceError) -> Tensor {
        let info = session.input(named: names.pixelValues)!
        let shape = [1, info.shape[1] ?? 3, info.shape[2] ?? imageSize, info.shape[3] ?? imageSize]
        let zeros = [Float](repeating: 0, count: shape.reduce(1, *))
        return info.elementType == .float16 ? try Tensor(float16From: zeros, shape: shape) : try Tensor(floats: zeros, shape: shape)
    }

    private func rows(_ tensor: Tensor, count: Int) throws(InferenceError) -> [[Float]] {
        guard tensor.shape.count == 2, tensor.shape[0] == count else {
            throw .invalidInput("embeddings have shape \(tensor.shape), expected [\(count), D]")
        }
        let width = tensor.shape[1]
        let values = try tensor.floats()
        return (0..<count).map { r in
            let row = Array(values[(r * width)..<((r + 1) * width)])
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 0 ? row.map { $0 / norm } : row
        }
    }
}
