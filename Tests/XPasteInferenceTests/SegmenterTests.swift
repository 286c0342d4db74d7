import Foundation
import Testing
import XPasteImage
import XPasteInference
import XPasteTestSupport

/// rembg's recipes on real photos, compared with rembg's own steps run by onnxruntime + numpy +
/// Pillow (Reference/rembg_reference.py) on the same model.
///
/// Tolerance: the model input must agree to 1e-6 (it is computed in the same float64 steps from a
/// Pillow-exact LANCZOS resize) and the 8-bit mask to ±1 per pixel on at most 0.1% of pixels
/// (float32 rounding of min-max and sigmoid, numpy's SIMD `exp`); in practice both are exact.
@Suite("Salient-object segmenters")
struct SegmenterTests {
    struct ReferenceMask {
        var mask: Mask
        var input: [Float]
    }

    static func reference(model: String, images: [String], recipe: SalientRecipe) throws -> [ReferenceMask] {
        let request: [String: Any] = [
            "model": model, "images": images, "size": [recipe.width, recipe.height], "mean": recipe.mean, "std": recipe.std,
            "sigmoid": recipe.sigmoid,
        ]
        let out = try ReferencePython.run(
            script: "Tests/XPasteInferenceTests/Reference/rembg_reference.py", arguments: ["masks"],
            stdin: try JSONSerialization.data(withJSONObject: request))
        let json = try #require(try JSONSerialization.jsonObject(with: out) as? [String: Any])
        let results = try #require(json["results"] as? [[String: Any]])
        return try results.map { r in
            let bytes = try #require(Data(base64Encoded: r["mask"] as? String ?? ""))
            let input = try #require(Data(base64Encoded: r["input"] as? String ?? ""))
            let floats = input.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            return ReferenceMask(
                mask: try Mask(width: r["width"] as? Int ?? 0, height: r["height"] as? Int ?? 0, values: [UInt8](bytes)),
                input: floats)
        }
    }

    /// Largest |difference| and how many pixels differ at all.
    static func compare(_ a: Mask, _ b: Mask) -> (worst: Int, differing: Int) {
        var worst = 0, differing = 0
        for (x, y) in zip(a.values, b.values) where x != y {
            worst = max(worst, abs(Int(x) - Int(y)))
            differing += 1
        }
        return (worst, differing)
    }

    static func expectMatches(_ segmenter: SalientSegmenter, model: String, names: [String]) throws {
        let paths = names.map { SharedData.image($0).path }
        let images = try paths.map { try ImageCodec.decode(contentsOf: $0) }
        let reference = try Self.reference(model: model, images: paths, recipe: segmenter.recipe)
        let masks = try segmenter.segment(images)
        for (k, name) in names.enumerated() {
            let input = try segmenter.inputTensor([images[k]]).floats()
            let inputError = zip(input, reference[k].input).map { abs($0 - $1) }.max() ?? .infinity
            #expect(input.count == reference[k].input.count)
            #expect(inputError <= 1e-6, "\(name): model input differs by \(inputError)")
            #expect(masks[k].width == images[k].width && masks[k].height == images[k].height)
            let (worst, differing) = compare(masks[k], reference[k].mask)
            print("\(segmenter.recipe.family) \(name): mask max |diff| \(worst), \(differing) of \(masks[k].values.count) pixels differ")
            #expect(worst <= 1, "\(name)")
            #expect(differing * 1000 <= masks[k].values.count, "\(name)")
        }
    }

    @Test func u2netTinyMatchesRembgOnPhotos() throws {
        let model = Fixtures.model("u2net_tiny.onnx")
        let session = try InferenceSession(modelPath: model, environment: Fixtures.environment(), logger: Fixtures.quiet)
        let segmenter = try SalientSegmenter(session: session, name: "u2net", recipe: SalientRecipe(family: .u2net))
        #expect(segmenter.input.name == "input.1" && segmenter.output.name == "d0")
        #expect(segmenter.maxBatch == 1)  // the export fixes the batch at 1
        // RGB, RGBA (alpha dropped as Pillow's convert("RGB") does), non-square sizes.
        try Self.expectMatches(segmenter, model: model, names: ["chelsea.png", "horse.png", "rocket.jpg"])
    }

    /// A model with dynamic batch and size and a logit output, as BiRefNet's export has.
    static func dynamicModel() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-seg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("dynamic.onnx").path
        try ReferencePython.run(script: "Tests/XPasteInferenceTests/Reference/rembg_reference.py", arguments: ["make-dynamic", path])
        return path
    }

    @Test(arguments: [SalientRecipe.Family.birefnet, .isnet])
    func dynamicModelsBatchAndFollowTheirFamilysRecipe(family: SalientRecipe.Family) throws {
        let model = try Self.dynamicModel()
        defer { try? FileManager.default.removeItem(atPath: (model as NSString).deletingLastPathComponent) }
        let session = try InferenceSession(modelPath: model, environment: Fixtures.environment(), logger: Fixtures.quiet)
        // A small non-square input keeps the test quick; the model accepts any size.
        var recipe = SalientRecipe(family: family)
        recipe.width = 72
        recipe.height = 56
        let segmenter = try SalientSegmenter(session: session, name: family.rawValue, recipe: recipe, maxBatch: 2)
        #expect(segmenter.maxBatch == 2)
        #expect(segmenter.recipe.sigmoid == (family == .birefnet))
        // Three images in batches of two, compared one by one with the reference.
        try Self.expectMatches(segmenter, model: model, names: ["coffee.png", "logo.png", "astronaut.png"])
    }

    @Test func recipesFollowRembg() {
        #expect(SalientRecipe.family(ofVariant: "u2netp") == .u2net)
        #expect(SalientRecipe.family(ofVariant: "silueta") == .u2net)
        #expect(SalientRecipe.family(ofVariant: "isnet-general-use") == .isnet)
        #expect(SalientRecipe.family(ofVariant: "birefnet-general") == .birefnet)
        #expect(SalientRecipe.family(ofVariant: "sam") == nil)
        let u2 = SalientRecipe(family: .u2net), isnet = SalientRecipe(family: .isnet), bi = SalientRecipe(family: .birefnet)
        #expect(u2.width == 320 && u2.mean == [0.485, 0.456, 0.406] && u2.std == [0.229, 0.224, 0.225] && !u2.sigmoid)
        #expect(isnet.width == 1024 && isnet.mean == [0.5, 0.5, 0.5] && isnet.std == [1, 1, 1] && !isnet.sigmoid)
        #expect(bi.height == 1024 && bi.mean == SalientRecipe.imageNetMean && bi.sigmoid)
        #expect(u2.inputFilter == .lanczos && u2.outputFilter == .lanczos)
        // Manifest overrides are Float; the decimals written there are what is used.
        let overridden = u2.overridden(by: .init(size: 512, mean: [0.5, 0.485, 0.1], std: [0.229, 1, 2]))
        #expect(overridden.width == 512 && overridden.height == 512)
        #expect(overridden.mean == [0.5, 0.485, 0.1] && overridden.std == [0.229, 1, 2])
    }

    @Test func aConstantMapHasNoObject() throws {
        let session = try InferenceSession(
            modelPath: Fixtures.model("u2net_tiny.onnx"), environment: Fixtures.environment(), logger: Fixtures.quiet)
        let segmenter = try SalientSegmenter(session: session, name: "u2net", recipe: SalientRecipe(family: .u2net))
        let flat = try Tensor(floats: [Float](repeating: 0.7, count: 320 * 320), shape: [1, 1, 320, 320])
        let masks = try segmenter.masks(from: flat, sizes: [(40, 30)])
        #expect(masks[0].width == 40 && masks[0].height == 30 && masks[0].values.allSatisfy { $0 == 0 })
        #expect(throws: InferenceError.self) { try segmenter.masks(from: flat, sizes: [(40, 30), (2, 2)]) }
    }

    @Test func aModelWithTheWrongSignatureIsRefused() throws {
        let session = try InferenceSession(
            modelPath: Fixtures.model("mlp_external.onnx"), environment: Fixtures.environment(), logger: Fixtures.quiet)
        do {
            _ = try SalientSegmenter(session: session, name: "mlp", recipe: SalientRecipe(family: .u2net))
            Issue.record("a [N, 16] input was accepted as an image")
        } catch {
            #expect(error.code == "inference.invalid_input")
            #expect(error.description.contains("[N, 3, H, W]"))
        }
    }

    @Test func modelsLoadFromTheModelsFolderAndMissingOnesSayWhatToPull() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-models-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = ModelsDirectory(root: root)
        try directory.write(ModelManifest(name: "u2netp", family: .segmenter, variant: "u2netp", files: [.init(path: "model.onnx")]))
        try FileManager.default.copyItem(
            atPath: Fixtures.model("u2net_tiny.onnx"), toPath: directory.folder(of: "u2netp").appendingPathComponent("model.onnx").path)
        let environment = try Fixtures.environment()
        let loaded = try SegmenterLoader(directory: directory).load(["u2netp", "classical"], environment: { environment })
        #expect(loaded.map(\.name) == ["u2netp", "classical"])
        #expect((loaded[0] as? SalientSegmenter)?.recipe.family == .u2net)

        do {
            _ = try SegmenterLoader(directory: directory).load(["classical", "isnet-general-use", "birefnet-general"], environment: { environment })
            Issue.record("missing models were loaded")
        } catch {
            #expect(error.code == "inference.model_not_found")
            #expect(error.description.contains("xpaste models pull isnet-general-use"))
            #expect(error.description.contains("xpaste models pull birefnet-general"))
        }
        // Only `classical`: no runtime needed at all.
        let classical = try SegmenterLoader(directory: directory).load(["classical"], environment: { () throws(InferenceError) -> InferenceEnvironment in
            throw .runtimeNotFound("not needed")
        })
        #expect(classical.count == 1)
        do {
            _ = try SalientSegmenter(named: "my-own", in: directory, environment: environment)
            Issue.record("a model outside the catalogue was found")
        } catch {
            #expect(error.code == "inference.model_not_found")
            #expect(error.description.contains("manifest.json"))
        }
    }
}
