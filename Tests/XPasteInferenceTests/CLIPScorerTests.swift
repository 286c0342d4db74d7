import Foundation
import Testing
import XPasteImage
import XPasteInference
import XPasteTestSupport

@Suite("CLIP scorer and keep rule")
struct CLIPScorerTests {
    static func scorer(maxBatch: Int) throws -> CLIPScorer {
        let session = try InferenceSession(
            modelPath: Fixtures.model("clip_tiny.onnx"), environment: Fixtures.environment(), logger: Fixtures.quiet)
        return try CLIPScorer(model: session, tokenizer: Fixtures.tokenizer(), maxBatch: maxBatch)
    }

    @Test func scoresEqualTheModelsOwnLogitsComputedByTheReference() throws {
        let scorer = try Self.scorer(maxBatch: 2)
        let prompts = ["a photo of cat", "a photo of dog", "a photo of teddy bear"]
        let pixels = try Tensor(floats: Fixtures.floats(3 * 3 * 224 * 224, seed: 21, in: -2...2), shape: [3, 3, 224, 224])
        let ours = try scorer.scores(pixels: pixels, prompts: prompts)

        let (ids, mask) = try scorer.tokenizer.batch(prompts)
        let reference = try Fixtures.reference(
            model: Fixtures.model("clip_tiny.onnx"), inputs: ["input_ids": ids, "attention_mask": mask, "pixel_values": pixels])
        // The tiny model's logit scale is exp(ln 100) = 100, so its logits are X-Paste's scores.
        let logits = try #require(reference["logits_per_image"]).floats()
        for i in 0..<3 {
            for j in 0..<3 { #expect(abs(ours[i][j] - logits[i * 3 + j]) < 1e-3, "image \(i) prompt \(j)") }
        }
        let textRef = try #require(reference["text_embeds"]).floats()
        let text = try scorer.textEmbeddings(prompts)
        #expect(zip(text.flatMap { $0 }, textRef).allSatisfy { abs($0 - $1) < 1e-5 })
        let imageRef = try #require(reference["image_embeds"]).floats()
        #expect(zip(try scorer.imageEmbeddings(pixels).flatMap { $0 }, imageRef).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func textEmbeddingsAreCachedPerPrompt() throws {
        let scorer = try Self.scorer(maxBatch: 4)
        let first = try scorer.textEmbeddings(["a photo of cat", "a photo of dog", "a photo of cat"])
        #expect(scorer.cachedPrompts == 2)
        #expect(first[0] == first[2])
        let again = try scorer.textEmbeddings(["a photo of dog"])
        #expect(again[0] == first[1])
        #expect(scorer.cachedPrompts == 2)
        #expect(abs(first[0].reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
    }

    @Test func judgesCutoutsOfACategoryEndToEnd() throws {
        let scorer = try Self.scorer(maxBatch: 2)
        #expect(CLIPScorer.prompt(for: "bat_(animal)") == "a photo of bat (animal)")
        var cutouts: [Image] = []
        for (i, name) in ["chelsea.png", "horse.png", "coffee.png"].enumerated() {
            let photo = try ImageCodec.decode(contentsOf: SharedData.image(name).path)
            // A cutout: the photo with a transparent border, as the extractor hands it over.
            var rgba = Image(width: photo.width, height: photo.height, format: .rgba8)
            for y in 0..<photo.height {
                for x in 0..<photo.width {
                    let p = photo.pixel(x: x, y: y)
                    let inside = x > 10 * (i + 1) && y > 10 && x < photo.width - 10 && y < photo.height - 10
                    rgba.setPixel(x: x, y: y, [p[0], p[1], p[2], inside ? (p.count == 4 ? p[3] : 255) : 0])
                }
            }
            cutouts.append(rgba)
        }
        let areas = [0.5, 0.6, 0.01]
        let decisions = try scorer.judge(cutouts: cutouts, areaRatios: areas, categoryName: "cat", rule: CLIPFilterRule())
        let scores = try scorer.scores(images: cutouts, prompts: ["a photo of cat"]).map { $0[0] }
        #expect(decisions.map(\.score) == scores)
        #expect(decisions == CLIPFilterRule().decide(zip(scores, areas).map { .init(score: $0, areaRatio: $1) }))
        #expect(decisions[2].keep == false && decisions[2].reason == .area)
        #expect(throws: InferenceError.self) {
            try scorer.judge(cutouts: cutouts, areaRatios: [0.5], categoryName: "cat", rule: CLIPFilterRule())
        }
    }

    @Test func scoreIsHundredTimesCosine() {
        #expect(CLIPScorer.score(image: [1, 0], text: [1, 0]) == 100)
        #expect(CLIPScorer.score(image: [3, 4], text: [4, 3]) == 96)
        #expect(CLIPScorer.score(image: [1, 0], text: [-1, 0]) == -100)
        #expect(CLIPScorer.score(image: [0, 0], text: [1, 0]) == 0)
    }

    @Test func modelsWithoutClipTensorsAreRefused() throws {
        let session = try InferenceSession(
            modelPath: Fixtures.model("mlp_external.onnx"), environment: Fixtures.environment(), logger: Fixtures.quiet)
        let error = try #require(throws: InferenceError.self) {
            try CLIPScorer(model: session, tokenizer: Fixtures.tokenizer())
        }
        #expect(error.code == "inference.invalid_input")
        #expect(error.description.contains("input_ids"))
    }

    @Test func keepRuleUsesTheCategoryBarAndAreaBounds() {
        let rule = CLIPFilterRule()
        // Best over every cutout is 40 (out of area), so the bar is min(21, 39) = 21.
        let strong = rule.decide([
            .init(score: 30, areaRatio: 0.5), .init(score: 21, areaRatio: 0.3), .init(score: 20.9, areaRatio: 0.3),
            .init(score: 40, areaRatio: 0.99), .init(score: 25, areaRatio: 0.01),
        ])
        #expect(strong.map(\.keep) == [true, true, false, false, false])
        #expect(strong.map(\.reason) == [.kept, .kept, .lowScore, .area, .area])
        #expect(strong.allSatisfy { $0.bar == 21 && $0.best == 40 })
        // A weak category: best 18, bar = 17, so 17.5 is kept although under 21.
        let weak = rule.decide([.init(score: 18, areaRatio: 0.2), .init(score: 17.5, areaRatio: 0.2), .init(score: 16.9, areaRatio: 0.2)])
        #expect(weak.map(\.keep) == [true, true, false])
        #expect(weak[0].bar == 17)
        #expect(rule.decide([]).isEmpty)
        let custom = CLIPFilterRule(minScore: 25, tolerance: 3, minAreaRatio: 0.1, maxAreaRatio: 0.8)
        #expect(custom.decide([.init(score: 26, areaRatio: 0.5), .init(score: 23, areaRatio: 0.5)]).map(\.keep) == [true, true])
    }

    /// Where X-Paste's rule and a best-in-area rule differ: in-area {18, 17.5} and an out-of-area
    /// 25. X-Paste's `clean_pool.py` takes `np.max` over every score, so the bar is min(21, 24) = 21
    /// and neither in-area cutout is kept (a best-in-area rule would set the bar at 17 and keep both).
    @Test func theBarCountsOutOfAreaCutoutsAsXPasteDoes() {
        let decisions = CLIPFilterRule().decide([
            .init(score: 18, areaRatio: 0.3), .init(score: 17.5, areaRatio: 0.4), .init(score: 25, areaRatio: 0.97),
        ])
        #expect(decisions.map(\.keep) == [false, false, false])
        #expect(decisions.map(\.reason) == [.lowScore, .lowScore, .area])
        #expect(decisions.allSatisfy { $0.best == 25 && $0.bar == 21 })
    }

    /// The test mask of `Reference/xpaste_clip_input.py`: an ellipse across the whole width
    /// (semi-axes w/2 and h/6) and a separate 20 × 15 rectangle at (5, 5) — two components, and an
    /// object the cutout scoring's centre crop would cut the ends off.
    static func twoComponentMask(width w: Int, height h: Int) -> BinaryMask {
        var mask = BinaryMask(width: w, height: h)
        for y in 0..<h {
            for x in 0..<w {
                let dx = 2 * x + 1 - w, dy = 2 * y + 1 - h
                let ellipse = dx * dx * h * h + 9 * dy * dy * w * w <= (w * h) * (w * h)
                let rect = (5..<25).contains(x) && (5..<20).contains(y)
                mask[x, y] = ellipse || rect
            }
        }
        return mask
    }

    /// X-Paste's scoring end to end on the tiny model: the tensor the model is fed equals
    /// X-Paste's preprocessing of the mask on white (reseg.py, computed by the reference script)
    /// within 1e-6, and the scores are the model's own on that tensor. chelsea (451 × 300) and
    /// motorcycle_left (741 × 500) are padded to a square; astronaut (512²) and logo (500², RGBA,
    /// alpha dropped as PIL's convert("RGB") does) are X-Paste's square case.
    @Test(arguments: ["chelsea.png", "motorcycle_left.png", "astronaut.png", "logo.png"])
    func xpasteScoringFeedsTheModelXPastesPreprocessing(name: String) throws {
        let path = SharedData.image(name).path
        let out = try ReferencePython.run(script: "Tests/XPasteInferenceTests/Reference/xpaste_clip_input.py", arguments: [path, "224"])
        let bytes = try #require(Data(base64Encoded: out))
        let reference = bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        let image = try ImageCodec.decode(contentsOf: path)
        let mask = Self.twoComponentMask(width: image.width, height: image.height)
        let ours = try CLIPPreprocessor().xpastePixelValues(image, mask: mask)
        #expect(ours.count == 3 * 224 * 224 && reference.count == ours.count)
        let worst = zip(ours, reference).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) }
        #expect(worst <= 1e-6, "\(name): largest difference \(worst)")

        let scorer = try Self.scorer(maxBatch: 2)
        let prompts = ["a photo of cat", "a photo of rocket"]
        let scores = try scorer.xpasteScores(images: [image], masks: [mask], prompts: prompts)[0]
        let (ids, attention) = try scorer.tokenizer.batch(prompts)
        let logits = try #require(try Fixtures.reference(
            model: Fixtures.model("clip_tiny.onnx"),
            inputs: ["input_ids": ids, "attention_mask": attention, "pixel_values": try Tensor(floats: reference, shape: [1, 3, 224, 224])]
        )["logits_per_image"]).floats()
        for j in prompts.indices { #expect(abs(scores[j] - logits[j]) < 1e-3, "\(name) prompt \(j): \(scores[j]) vs \(logits[j])") }
    }

    /// Values of X-Paste's input for chelsea.png and the two-component mask, kept so the check
    /// stands without Python. Produced by:
    /// `.venv/bin/python -c "import base64,subprocess,numpy as np; a=np.frombuffer(base64.b64decode(subprocess.check_output(['.venv/bin/python','Tests/XPasteInferenceTests/Reference/xpaste_clip_input.py','../shared/data/images/chelsea.png','224'])),'<f4'); print([repr(float(a[i])) for i in (0, 25200, 57096, 145162)])"`
    @Test func xpasteInputMatchesRecordedReferenceValues() throws {
        let image = try ImageCodec.decode(contentsOf: SharedData.image("chelsea.png").path)
        let ours = try CLIPPreprocessor().xpastePixelValues(image, mask: Self.twoComponentMask(width: image.width, height: image.height))
        let recorded: [(Int, Float)] = [(0, 1.9303361177444458), (25200, 0.9205446839332581), (57096, 2.0748836994171143), (145162, 2.145897150039673)]
        for (i, value) in recorded { #expect(abs(ours[i] - value) <= 1e-6, "index \(i): \(ours[i]) vs \(value)") }
        // Index 0 is padding (white) and index 145162 lies outside the object: both are 1.0 normalised.
        #expect(abs(ours[0] - (1 - CLIPPreprocessor.clipMean[0]) / CLIPPreprocessor.clipStd[0]) <= 1e-6)
    }
}
