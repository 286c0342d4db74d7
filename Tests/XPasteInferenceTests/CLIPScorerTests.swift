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
        // Best in bounds is 30, so the bar is min(21, 29) = 21.
        let strong = rule.decide([
            .init(score: 30, areaRatio: 0.5), .init(score: 21, areaRatio: 0.3), .init(score: 20.9, areaRatio: 0.3),
            .init(score: 40, areaRatio: 0.99), .init(score: 25, areaRatio: 0.01),
        ])
        #expect(strong.map(\.keep) == [true, true, false, false, false])
        #expect(strong.map(\.reason) == [.kept, .kept, .lowScore, .area, .area])
        #expect(strong.allSatisfy { $0.bar == 21 && $0.best == 30 })
        // A weak category: best 18, bar = 17, so 17.5 is kept although under 21.
        let weak = rule.decide([.init(score: 18, areaRatio: 0.2), .init(score: 17.5, areaRatio: 0.2), .init(score: 16.9, areaRatio: 0.2)])
        #expect(weak.map(\.keep) == [true, true, false])
        #expect(weak[0].bar == 17)
        #expect(rule.decide([]).isEmpty)
        let custom = CLIPFilterRule(minScore: 25, tolerance: 3, minAreaRatio: 0.1, maxAreaRatio: 0.8)
        #expect(custom.decide([.init(score: 26, areaRatio: 0.5), .init(score: 23, areaRatio: 0.5)]).map(\.keep) == [true, true])
    }
}
