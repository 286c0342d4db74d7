import Foundation
import Testing
@testable import XPasteInference

/// Every scheduler against diffusers on fixed inputs: timesteps, initial σ, the scaled model input
/// and the whole trajectory under a closed-form stand-in for the UNet (schedulers.json records
/// what diffusers did; scripts/make-tiny-diffusion.py produced it).
@Suite struct SchedulerParityTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let kind: String, label: String, steps: Int
        let config: SchedulerConfiguration
        let timesteps: [Double], recorded: [Int], initNoiseSigma: Double
        let initial: [Float], scaled: [[Float]], trajectory: [[Float]]
        var testDescription: String { "\(kind) \(label) \(steps) steps" }
    }

    static let cases: [Case] = {
        guard let json = try? DiffusionFixtures.json("schedulers.json"), let list = json["cases"] as? [[String: Any]] else { return [] }
        return list.map { c in
            let configData = try! JSONSerialization.data(withJSONObject: c["config"]!)
            func floats(_ v: Any?) -> [Float] { (v as! [NSNumber]).map(\.floatValue) }
            return Case(
                kind: c["scheduler"] as! String, label: c["label"] as! String, steps: c["steps"] as! Int,
                config: try! JSONDecoder().decode(SchedulerConfiguration.self, from: configData),
                timesteps: (c["timesteps"] as! [NSNumber]).map(\.doubleValue), recorded: c["recorded_steps"] as! [Int],
                initNoiseSigma: (c["init_noise_sigma"] as! NSNumber).doubleValue, initial: floats(c["initial"]),
                scaled: (c["scaled_inputs"] as! [Any]).map(floats), trajectory: (c["trajectory"] as! [Any]).map(floats))
        }
    }()

    @Test func everySchedulerHasGoldenCases() {
        let kinds = Set(Self.cases.map(\.kind))
        #expect(kinds == Set(SchedulerKind.allCases.map(\.rawValue)))
        #expect(Self.cases.count >= 20)
    }

    /// The stand-in denoiser the golden script used: 0.3·x + 0.05·sin(0.01·t + 0.1·k), in double.
    static func modelOutput(_ x: [Float], _ t: Double) -> [Float] {
        x.indices.map { k in Float(0.3 * Double(x[k]) + 0.05 * sin(0.01 * Double(Float(t)) + 0.1 * Double(k))) }
    }

    @Test(arguments: cases)
    func matchesDiffusers(_ golden: Case) throws {
        let kind = try #require(SchedulerKind(parsing: golden.kind))
        var scheduler = try kind.make(config: golden.config, steps: golden.steps)
        #expect(scheduler.timesteps.count == golden.timesteps.count)
        for (ours, theirs) in zip(scheduler.timesteps, golden.timesteps) {
            #expect(abs(ours - theirs) < 1e-3, "timesteps \(scheduler.timesteps) vs \(golden.timesteps)")
        }
        #expect(abs(Double(scheduler.initNoiseSigma) - golden.initNoiseSigma) <= 1e-5 * max(1, golden.initNoiseSigma))
        var sample = golden.initial
        var recordedIndex = 0
        for i in scheduler.timesteps.indices {
            let scaled = scheduler.scaleModelInput(sample, stepIndex: i)
            let noise = (0..<sample.count).map { k in Float(cos(0.37 * Double(k) + 1.3 * Double(i))) }
            sample = scheduler.step(modelOutput: Self.modelOutput(scaled, golden.timesteps[i]), stepIndex: i, sample: sample) { noise }
            if recordedIndex < golden.recorded.count, golden.recorded[recordedIndex] == i {
                let scale = golden.trajectory[recordedIndex].reduce(Float(1)) { max($0, abs($1)) }
                let inputDifference = DiffusionFixtures.maxDifference(scaled, golden.scaled[recordedIndex])
                let difference = DiffusionFixtures.maxDifference(sample, golden.trajectory[recordedIndex])
                #expect(inputDifference <= 2e-5 * scale, "step \(i): scaled input differs by \(inputDifference)")
                #expect(difference <= 2e-5 * scale, "step \(i): sample differs by \(difference) (scale \(scale))")
                recordedIndex += 1
            }
        }
        #expect(recordedIndex == golden.recorded.count)
    }

    @Test func unsupportedOptionsAreRefusedByName() throws {
        var karras = SchedulerConfiguration.stableDiffusion
        karras.useKarrasSigmas = true
        #expect(throws: InferenceError.invalidResource("scheduler option use_karras_sigmas is not supported")) {
            _ = try SchedulerKind.euler.make(config: karras, steps: 10)
        }
        var schedule = SchedulerConfiguration.stableDiffusion
        schedule.betaSchedule = "sigmoid"
        #expect(throws: InferenceError.self) { _ = try SchedulerKind.ddim.make(config: schedule, steps: 10) }
        #expect(throws: InferenceError.invalidInput("inference steps 0 must lie in 1…1000")) {
            _ = try SchedulerKind.dpmSolverPlusPlus2M.make(config: .stableDiffusion, steps: 0)
        }
        #expect(throws: InferenceError.invalidInput("inference steps 1001 must lie in 1…1000")) {
            _ = try SchedulerKind.pndm.make(config: .stableDiffusion, steps: 1001)
        }
    }

    @Test func namesParse() {
        #expect(SchedulerKind(parsing: "DPM++2M") == .dpmSolverPlusPlus2M)
        #expect(SchedulerKind(parsing: "euler_a") == .eulerAncestral)
        #expect(SchedulerKind(className: "PNDMScheduler") == .pndm)
        #expect(SchedulerKind(parsing: "lms") == nil)
    }

    @Test func gaussianNoiseIsSeededAndNormal() {
        var a = GaussianNoise(seed: 42), b = GaussianNoise(seed: 42), c = GaussianNoise(seed: 43)
        let x = a.gaussians(20_000)
        #expect(x == b.gaussians(20_000))
        #expect(x != c.gaussians(20_000))
        let mean = x.reduce(0, +) / Float(x.count)
        let variance = x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(x.count)
        #expect(abs(mean) < 0.03)
        #expect(abs(variance - 1) < 0.05)
    }
}
