import Foundation
import Testing
@testable import XPasteInference

/// The Swift pipeline on the tiny Stable Diffusion against diffusers' PyTorch pipeline on the same
/// weights, from the same initial latents (pipeline.json and pipeline-*.f32, written by
/// scripts/make-tiny-diffusion.py).
///
/// Tolerance: 1e-4 on pixel values in 0…1 (seen: at most 1.1e-6). The two runs differ by
/// PyTorch vs ONNX Runtime kernels (~1e-6 per op), which ten steps of the solver do not blow up.
@Suite(.serialized) struct StableDiffusionPipelineTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let key: String, scheduler: String, guidance: Double, prompts: [String], steps: Int, width: Int, height: Int
        var testDescription: String { key }
    }

    static let cases: [Case] = {
        guard let json = try? DiffusionFixtures.json("pipeline.json"), let list = json["cases"] as? [[String: Any]] else { return [] }
        return list.map { c in
            Case(key: c["key"] as! String, scheduler: c["scheduler"] as! String, guidance: (c["guidance"] as! NSNumber).doubleValue,
                 prompts: c["prompts"] as! [String], steps: c["steps"] as! Int, width: c["width"] as! Int, height: c["height"] as! Int)
        }
    }()

    static let tolerance: Float = 1e-4

    @Test func fixturesCoverGuidanceAndBothSchedulers() {
        #expect(Set(Self.cases.map(\.scheduler)) == ["dpmpp-2m", "euler"])
        #expect(Set(Self.cases.map(\.guidance)) == [1.0, 7.5])
        #expect(Self.cases.contains { $0.prompts.count == 2 })
    }

    @Test func tokenizerMatchesTheExportsTokenizer() throws {
        let model = try DiffusionFixtures.model()
        let golden = try #require(try DiffusionFixtures.json("pipeline.json")["token_ids"] as? [String: [Int]])
        #expect(golden.count == 3)
        for (prompt, ids) in golden {
            #expect(model.tokenizer.tokenize(prompt, padding: model.padTokenID).map(Int.init) == ids, "\(prompt)")
        }
    }

    @Test func readsTheFolder() throws {
        let model = try DiffusionFixtures.model()
        #expect(model.vaeScaleFactor == 2)
        #expect(model.latentChannels == 4)
        #expect(model.latentScalingFactor == 0.18215)
        #expect(model.savedScheduler == .pndm)
        #expect(model.schedulerConfiguration.stepsOffset == 1)
        #expect(model.padTokenID == model.tokenizer.endOfText)
        #expect(model.unet.input(named: "timestep")?.elementType == .float)
    }

    @Test(arguments: cases)
    func matchesDiffusers(_ golden: Case) throws {
        let pipeline = StableDiffusionPipeline(model: try DiffusionFixtures.model(), logger: Fixtures.quiet)
        let latents = try DiffusionFixtures.floats("pipeline-\(golden.key)-latents.f32")
        let expected = try DiffusionFixtures.floats("pipeline-\(golden.key)-images.f32")
        let request = GenerationRequest(
            prompts: golden.prompts, seeds: golden.prompts.indices.map(UInt64.init), steps: golden.steps, guidance: golden.guidance,
            scheduler: try #require(SchedulerKind(parsing: golden.scheduler)), width: golden.width, height: golden.height,
            initialLatents: latents)
        let (final, timings) = try pipeline.denoise(request)
        let pixels = try pipeline.decode(latents: final, count: golden.prompts.count, width: golden.width, height: golden.height)
        #expect(pixels.count == expected.count)
        let difference = DiffusionFixtures.maxDifference(pixels, expected)
        #expect(difference <= Self.tolerance, "max pixel difference \(difference)")
        #expect(timings.steps == golden.steps)
        // Not a constant image: the comparison means something.
        #expect(Set(expected.map { ($0 * 20).rounded() }).count > 10)
    }

    @Test func guidanceChangesTheImage() throws {
        let pipeline = StableDiffusionPipeline(model: try DiffusionFixtures.model(), logger: Fixtures.quiet)
        let base = GenerationRequest(prompts: ["a photo of a single cat"], seeds: [5], steps: 4, guidance: 1, width: 64, height: 64)
        var guided = base
        guided.guidance = 7.5
        var negative = guided
        negative.negativePrompt = "blurry"
        let a = try pipeline.denoise(base).latents, b = try pipeline.denoise(guided).latents, c = try pipeline.denoise(negative).latents
        #expect(DiffusionFixtures.maxDifference(a, b) > 1e-3)
        #expect(DiffusionFixtures.maxDifference(b, c) > 1e-3)
    }

    @Test func aSeedDrawsTheSameImageAloneOrInABatch() throws {
        let pipeline = StableDiffusionPipeline(model: try DiffusionFixtures.model(), logger: Fixtures.quiet)
        let batch = GenerationRequest(prompts: ["a photo of a single cat", "a photo of a single dog"], seeds: [11, 12],
                                      steps: 5, scheduler: .eulerAncestral, width: 32, height: 48)
        let single = GenerationRequest(prompts: ["a photo of a single dog"], seeds: [12], steps: 5, scheduler: .eulerAncestral,
                                       width: 32, height: 48)
        let (images, timings) = try pipeline.generate(batch)
        let again = try pipeline.generate(batch).images
        let alone = try pipeline.generate(single).images
        #expect(images.map(\.image) == again.map(\.image))
        #expect(images[0].image != images[1].image)
        #expect(images.map(\.seed) == [11, 12])
        #expect(images[1].image.width == 32 && images[1].image.height == 48)
        // Batching changes kernels' summation order only: within a level or two of 8-bit output.
        let a = images[1].image.pixels, b = alone[0].image.pixels
        #expect(zip(a, b).allSatisfy { abs(Int($0) - Int($1)) <= 2 })
        #expect(timings.images == 2 && timings.steps == 5)
        #expect(timings.denoiser > 0 && timings.loopOverhead > 0 && timings.decoding > 0)
    }

    @Test(arguments: ["int64-scalar", "fp16-io"])
    func readsTimestepAndFloatTypesFromTheModel(_ variant: String) throws {
        let (folder, model) = try DiffusionFixtures.modelWithUNet(variant)
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = StableDiffusionPipeline(model: try DiffusionFixtures.model(), logger: Fixtures.quiet)
        let pipeline = StableDiffusionPipeline(model: model, logger: Fixtures.quiet)
        // DPM-Solver++'s timesteps are whole numbers, so an int64 timestep input loses nothing.
        let request = GenerationRequest(prompts: ["a photo of a single cat"], seeds: [3], steps: 6, width: 64, height: 64)
        let expected = try reference.denoise(request).latents
        let got = try pipeline.denoise(request).latents
        let scale = expected.reduce(Float(1)) { max($0, abs($1)) }
        // fp16 inputs round the latents to 11 bits each step.
        let tolerance: Float = variant == "fp16-io" ? 2e-2 * scale : 1e-4 * scale
        #expect(DiffusionFixtures.maxDifference(expected, got) <= tolerance)
        if variant == "fp16-io" { #expect(model.unet.input(named: "sample")?.elementType == .float16) }
        if variant == "int64-scalar" { #expect(model.unet.input(named: "timestep")?.rank == 0) }
    }

    @Test func badRequestsAreRefusedBeforeAnyModelRuns() throws {
        let pipeline = StableDiffusionPipeline(model: try DiffusionFixtures.model(), logger: Fixtures.quiet)
        func refused(_ change: (inout GenerationRequest) -> Void) -> InferenceError? {
            var request = GenerationRequest(prompts: ["x"], seeds: [1], steps: 2, width: 64, height: 64)
            change(&request)
            do {
                try pipeline.validate(request)
                return nil
            } catch { return error }
        }
        #expect(refused { $0.width = 63 } == .invalidInput("width 63 must be a multiple of 2 from 2 to 4096"))
        #expect(refused { $0.height = 8192 } == .invalidInput("height 8192 must be a multiple of 2 from 2 to 4096"))
        #expect(refused { $0.seeds = [] } == .invalidInput("1 prompts need 1 seeds, got 0"))
        #expect(refused { $0.prompts = []; $0.seeds = [] } == .invalidInput("a generation needs at least one prompt"))
        #expect(refused { $0.guidance = .nan } != nil)
        #expect(refused { $0.steps = 0 } == .invalidInput("steps 0 must lie in 1…1000"))
        #expect(refused { $0.initialLatents = [0, 1] } == .invalidInput("initial latents hold 2 values, the request needs 4096"))
        #expect(refused { $0.initialLatents = [Float](repeating: .nan, count: 4096) } == .invalidInput("initial latents must be finite"))
        #expect(refused { _ in } == nil)
    }

    @Test func nonFiniteLatentsDecodeToBlackInsteadOfTrapping() throws {
        let pipeline = StableDiffusionPipeline(model: try DiffusionFixtures.model(), logger: Fixtures.quiet)
        var latents = [Float](repeating: 0, count: 4 * 16 * 16)
        latents[0] = .nan
        latents[1] = .infinity
        let pixels = try pipeline.decode(latents: latents, count: 1, width: 32, height: 32)
        #expect(pixels.count == 32 * 32 * 3 && pixels.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
    }

    @Test func cancellingStopsAtTheNextStep() throws {
        let pipeline = StableDiffusionPipeline(model: try DiffusionFixtures.model(), logger: Fixtures.quiet)
        let request = GenerationRequest(prompts: ["x"], seeds: [1], steps: 8, width: 32, height: 32)
        var seen = 0
        #expect(throws: InferenceError.cancelled) {
            _ = try pipeline.denoise(request) { done, _ in
                seen = done
                return done < 3
            }
        }
        #expect(seen == 3)
    }

    @Test func incompleteFoldersNameWhatIsMissing() throws {
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("tiny-sd-broken-\(UUID().uuidString)")
        try fm.copyItem(at: URL(fileURLWithPath: DiffusionFixtures.modelFolder), to: folder)
        defer { try? fm.removeItem(at: folder) }
        try fm.removeItem(at: folder.appendingPathComponent("unet/model.onnx_data"))
        #expect(throws: InferenceError.self) {
            _ = try StableDiffusionModel(folder: folder.path, environment: try Fixtures.environment(), logger: Fixtures.quiet)
        }
        try fm.removeItem(at: folder.appendingPathComponent("vae_decoder"))
        #expect(throws: InferenceError.modelNotFound("\(folder.path) is not a Stable Diffusion ONNX folder: vae_decoder/model.onnx is missing")) {
            _ = try StableDiffusionModel(folder: folder.path, environment: try Fixtures.environment(), logger: Fixtures.quiet)
        }
        let vocab = folder.appendingPathComponent("tokenizer/vocab.json")
        try Data("{\"a\": 1}".utf8).write(to: vocab)
        try fm.copyItem(at: URL(fileURLWithPath: DiffusionFixtures.modelFolder).appendingPathComponent("vae_decoder"),
                        to: folder.appendingPathComponent("vae_decoder"))
        #expect(throws: InferenceError.self) {
            _ = try StableDiffusionModel(folder: folder.path, environment: try Fixtures.environment(), logger: Fixtures.quiet)
        }
    }
}
