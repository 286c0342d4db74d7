import Foundation
import Testing
import XPasteImage
import XPasteInference
import XPasteTestSupport

@Suite("Instance extractor")
struct ExtractorTests {
    static func u2net() throws -> SalientSegmenter {
        let session = try InferenceSession(
            modelPath: Fixtures.model("u2net_tiny.onnx"), environment: Fixtures.environment(), logger: Fixtures.quiet)
        return try SalientSegmenter(session: session, name: "u2net", recipe: SalientRecipe(family: .u2net))
    }

    static func scorer() throws -> CLIPScorer {
        let session = try InferenceSession(
            modelPath: Fixtures.model("clip_tiny.onnx"), environment: Fixtures.environment(), logger: Fixtures.quiet)
        return try CLIPScorer(model: session, tokenizer: Fixtures.tokenizer(), maxBatch: 3)
    }

    static func requests() throws -> [InstanceExtractor.Request] {
        try [("chelsea.png", "cat"), ("horse.png", "horse"), ("coffee.png", "coffee_mug"), ("logo.png", "frisbee")].map {
            InstanceExtractor.Request(image: try ImageCodec.decode(contentsOf: SharedData.image($0.0).path), categoryName: $0.1)
        }
    }

    @Test func theBestScoringCutoutOnWhiteWinsAndItsMaskIsCleanedUp() throws {
        let segmenters: [any Segmenter] = [try Self.u2net(), ClassicalSegmenter()]
        let scorer = try Self.scorer()
        let extractor = try InstanceExtractor(segmenters: segmenters, scorer: scorer)
        let requests = try Self.requests()
        let results = try extractor.extract(requests)
        #expect(results.count == requests.count)
        var winners = Set<String>()
        for (request, result) in zip(requests, results) {
            let image = request.image
            var expectedScores: [Float?] = []
            for (s, segmenter) in segmenters.enumerated() {
                let mask = try segmenter.segment(image)
                let binary = mask.binarized(threshold: 129)
                #expect(result.candidates[s].segmenter == segmenter.name)
                #expect(result.candidates[s].maskArea == binary.area)
                // X-Paste's scored image: the photo where the mask is, white elsewhere.
                let onWhite = try extractor.onBackground(image, binary)
                for (x, y) in [(0, 0), (image.width / 2, image.height / 2), (image.width - 1, image.height / 3)] {
                    let expected = binary[x, y] ? Array(image.pixel(x: x, y: y)[0..<3]) : [255, 255, 255]
                    #expect(onWhite.pixel(x: x, y: y) == expected)
                }
                // Scored X-Paste's way: the whole image and its mask, never cropped.
                let alone = try scorer.xpasteScores(images: [image], masks: [binary], prompts: [CLIPScorer.prompt(for: request.categoryName)])[0][0]
                expectedScores.append(binary.area > 0 ? alone : nil)
                let got = result.candidates[s].score
                #expect((got == nil) == (binary.area == 0))
                if let got { #expect(abs(got - alone) < 1e-4, "batched score \(got) vs alone \(alone)") }
            }
            let best = expectedScores.indices.filter { expectedScores[$0] != nil }
                .max { (expectedScores[$0]!, $1) < (expectedScores[$1]!, $0) }
            #expect(result.winner == best)
            let winner = try #require(result.winner)
            winners.insert(result.candidates[winner].segmenter)
            let winningMask = try segmenters[winner].segment(image)
            #expect(result.mask == winningMask)
            #expect(result.object == (try ObjectCutout.cut(image, by: winningMask)))
            #expect(result.segmenter == segmenters[winner].name && result.score == result.candidates[winner].score)
            #expect(result.areaRatio == Double(result.candidates[winner].maskArea) / Double(image.pixelCount))
            print("\(request.categoryName): " + result.candidates.map { "\($0.segmenter) \($0.score.map { String(format: "%.3f", $0) } ?? "–")" }
                .joined(separator: ", ") + " → \(result.segmenter ?? "none"), area \(result.object.map { String(format: "%.3f", $0.areaRatio) } ?? "–")")
        }
    }

    @Test func batchesGiveWhatSingleImagesGive() throws {
        let extractor = try InstanceExtractor(segmenters: [try Self.u2net(), ClassicalSegmenter()], scorer: try Self.scorer())
        let requests = try Self.requests()
        let batched = try extractor.extract(requests)
        for (k, request) in requests.enumerated() {
            let alone = try extractor.extract([request])[0]
            #expect(alone.winner == batched[k].winner && alone.object == batched[k].object)
            for (a, b) in zip(alone.candidates, batched[k].candidates) {
                #expect(a.maskArea == b.maskArea)
                #expect(abs((a.score ?? 0) - (b.score ?? 0)) < 1e-4)
            }
        }
    }

    @Test func runsOnAnExecutor() async throws {
        let extractor = try InstanceExtractor(segmenters: [ClassicalSegmenter()], scorer: nil)
        let requests = try Self.requests()
        let results = try await extractor.extract(requests, on: InferenceExecutor(maxConcurrentRuns: 2))
        // One segmenter and no scorer: the first non-empty mask wins, unscored.
        #expect(results.allSatisfy { $0.winner == 0 && $0.score == nil && $0.object != nil })
        #expect(results.map(\.object) == (try extractor.extract(requests).map(\.object)))
    }

    @Test func anImageWithoutObjectGivesNoCutout() throws {
        let extractor = try InstanceExtractor(segmenters: [ClassicalSegmenter()], scorer: try Self.scorer())
        let flat = Image(width: 64, height: 48, format: .rgb8, filledWith: [30, 200, 90])
        let result = try extractor.extract([.init(image: flat, categoryName: "cat")])[0]
        #expect(result.winner == nil && result.object == nil && result.mask == nil)
        #expect(result.candidates == [.init(segmenter: "classical", maskArea: 0, score: nil)])
    }

    @Test func misconfigurationsAreTypedErrors() throws {
        let classical = ClassicalSegmenter()
        var other = ClassicalSegmenter()
        other.name = "classical-2"
        func code(_ body: () throws(InferenceError) -> InstanceExtractor) -> String? {
            do { _ = try body(); return nil } catch { return error.code }
        }
        #expect(code { () throws(InferenceError) in try InstanceExtractor(segmenters: [], scorer: nil) } == "inference.invalid_input")
        #expect(code { () throws(InferenceError) in try InstanceExtractor(segmenters: [classical, classical], scorer: nil) } == "inference.invalid_input")
        #expect(code { () throws(InferenceError) in try InstanceExtractor(segmenters: [classical, other], scorer: nil) } == "inference.invalid_input")
        #expect(code { () throws(InferenceError) in try InstanceExtractor(segmenters: [classical], scorer: nil, threshold: 255) } == "inference.invalid_input")
        #expect(code { () throws(InferenceError) in try InstanceExtractor(segmenters: [classical], scorer: nil, background: [1, 2]) } == "inference.invalid_input")
        #expect(code { () throws(InferenceError) in try InstanceExtractor(segmenters: [classical], scorer: nil) } == nil)
    }

    /// A mask with everything the clean-up decides: two blobs (the smaller dropped), a hole (filled
    /// for the area and the box, its soft alpha kept), a blob joined only diagonally (8-connected, so
    /// kept), a soft edge, values exactly at the threshold (not object).
    static func syntheticMask(width: Int, height: Int) -> Mask {
        var mask = Mask(width: width, height: height)
        for y in 0..<height {
            for x in 0..<width {
                let dx = Double(x - 40), dy = Double(y - 30)
                let r = (dx * dx + dy * dy).squareRoot()
                if r < 18 { mask[x, y] = r < 6 ? 40 : (r > 15 ? UInt8(128 + (18 - r) * 30) : 250) }
                if x >= 70 && x < 80 && y >= 5 && y < 12 { mask[x, y] = 200 }  // the smaller blob
                if x - 53 == y - 43 && x >= 53 && x < 63 { mask[x, y] = 255 }  // a diagonal spur off the disk's edge
                if x >= 2 && x < 6 && y >= 50 && y < 54 { mask[x, y] = 128 }  // at the threshold: background
            }
        }
        return mask
    }

    @Test func cleanUpKeepsTheLargestComponentWithHolesFilledAndSoftAlphaInside() throws {
        let image = try ImageCodec.decode(contentsOf: SharedData.image("chelsea.png").path).cropped(to: PixelBox(x: 100, y: 80, width: 90, height: 64))
        let mask = Self.syntheticMask(width: 90, height: 64)
        let cut = try #require(try ObjectCutout.cut(image, by: mask))
        let binary = mask.binarized(threshold: 129).largestComponentWithHolesFilled()
        #expect(cut.box == binary.boundingBox)
        #expect(cut.area == binary.area && cut.areaRatio == Double(binary.area) / Double(90 * 64))
        #expect(cut.image.width == cut.box.width && cut.image.height == cut.box.height && cut.image.format == .rgba8)
        for y in 0..<cut.box.height {
            for x in 0..<cut.box.width {
                let sx = cut.box.x + x, sy = cut.box.y + y
                let p = cut.image.pixel(x: x, y: y)
                #expect(Array(p[0..<3]) == image.pixel(x: sx, y: sy))
                #expect(p[3] == (binary[sx, sy] ? mask[sx, sy] : 0), "alpha at \(sx),\(sy)")
            }
        }
        // The hole (alpha 40 < 128) is inside the object and keeps its soft alpha.
        #expect(binary[40, 30] && cut.image.pixel(x: 40 - cut.box.x, y: 30 - cut.box.y)[3] == 40)
        // The smaller blob is gone; the diagonal spur is part of the object.
        #expect(!binary[75, 8])
        #expect(binary[62, 52] && cut.box.maxX == 63 && cut.box.maxY == 53)
        #expect(try ObjectCutout.cut(image, by: Mask(width: 90, height: 64, value: 128)) == nil)
        #expect(throws: ImageError.self) { try ObjectCutout.cut(image, by: Mask(width: 10, height: 10)) }
    }

    @Test func cleanUpMatchesOpenCV() throws {
        let chelsea = try ImageCodec.decode(contentsOf: SharedData.image("chelsea.png").path)
        let horse = try ImageCodec.decode(contentsOf: SharedData.image("horse.png").path)
        let crop = try chelsea.cropped(to: PixelBox(x: 100, y: 80, width: 90, height: 64))
        let cases: [(Image, Mask)] = [
            (chelsea, try Self.u2net().segment(chelsea)),
            (horse, try ClassicalSegmenter().segment(horse)),
            (crop, Self.syntheticMask(width: 90, height: 64)),
            (crop, Mask(width: 90, height: 64, value: 0)),
        ]
        var jobs: [[String: Any]] = []
        for (image, mask) in cases {
            let rgb = try image.format == .rgb8 ? image.packed() : image.packed().cropped(to: image.bounds)
            var pixels = [UInt8]()
            pixels.reserveCapacity(image.pixelCount * 3)
            for i in 0..<image.pixelCount { pixels += rgb.pixels[(i * rgb.format.channels)..<(i * rgb.format.channels + 3)] }
            jobs.append(["w": image.width, "h": image.height, "image": Data(pixels).base64EncodedString(),
                         "mask": Data(mask.values).base64EncodedString(), "threshold": 128])
        }
        let out = try ReferencePython.run(
            script: "Tests/XPasteInferenceTests/Reference/cutout_reference.py", stdin: try JSONSerialization.data(withJSONObject: jobs))
        let reference = try #require(try JSONSerialization.jsonObject(with: out) as? [Any])
        for (k, (image, mask)) in cases.enumerated() {
            let ours = try ObjectCutout.cut(image, by: mask)
            guard let ref = reference[k] as? [String: Any] else {
                #expect(ours == nil, "case \(k)")
                continue
            }
            let cut = try #require(ours, "case \(k)")
            let box = try #require(ref["box"] as? [Int])
            #expect([cut.box.x, cut.box.y, cut.box.width, cut.box.height] == box, "case \(k)")
            #expect(cut.area == ref["area"] as? Int, "case \(k)")
            let rgba = try #require(Data(base64Encoded: ref["rgba"] as? String ?? ""))
            #expect(cut.image.packed().pixels == [UInt8](rgba), "case \(k)")
        }
    }
}
