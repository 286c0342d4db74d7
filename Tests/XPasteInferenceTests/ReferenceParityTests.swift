import Foundation
import Testing
import XPasteInference
import XPasteTestSupport

/// Outputs of the Swift binding against ONNX Runtime's Python API on identical input bytes.
@Suite("Binding outputs match onnxruntime Python")
struct ReferenceParityTests {
    /// Largest absolute difference between two float tensors of the same shape.
    static func maxDifference(_ a: Tensor, _ b: Tensor) throws -> Float {
        #expect(a.shape == b.shape)
        #expect(a.elementType == b.elementType)
        let x = try a.floats(), y = try b.floats()
        return zip(x, y).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    static func clipInputs(texts: Int, images: Int) throws -> [String: Tensor] {
        var ids = [Int64](repeating: 0, count: texts * 77)
        var mask = [Int64](repeating: 0, count: texts * 77)
        for t in 0..<texts {
            let length = 3 + t * 4
            ids[t * 77] = 49406
            for k in 1..<length { ids[t * 77 + k] = Int64(300 + 97 * t + 13 * k) }
            ids[t * 77 + length] = 49407
            for k in 0...length { mask[t * 77 + k] = 1 }
        }
        return [
            "input_ids": try Tensor(int64s: ids, shape: [texts, 77]),
            "attention_mask": try Tensor(int64s: mask, shape: [texts, 77]),
            "pixel_values": try Tensor(
                floats: Fixtures.floats(images * 3 * 224 * 224, seed: 7, in: -2...2), shape: [images, 3, 224, 224]),
        ]
    }

    @Test func clipSingleGraphMatches() throws {
        let path = Fixtures.model("clip_tiny.onnx")
        let session = try InferenceSession(modelPath: path, environment: Fixtures.environment(), logger: Fixtures.quiet)
        let inputs = try Self.clipInputs(texts: 3, images: 2)
        let ours = try session.run(inputs)
        let reference = try Fixtures.reference(model: path, inputs: inputs)
        #expect(Set(ours.keys) == Set(reference.keys))
        for (name, tensor) in reference {
            let mine = try #require(ours[name])
            #expect(try Self.maxDifference(mine, tensor) <= 1e-5, "\(name)")
        }
        #expect(ours["logits_per_image"]?.shape == [2, 3])
        #expect(ours["text_embeds"]?.shape == [3, 16])
        // Embeddings come out L2-normalised.
        let text = try #require(ours["text_embeds"]).floats()
        #expect(abs(text[0..<16].reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
    }

    @Test func u2netMatches() throws {
        let path = Fixtures.model("u2net_tiny.onnx")
        let session = try InferenceSession(modelPath: path, environment: Fixtures.environment(), logger: Fixtures.quiet)
        let inputs = ["input.1": try Tensor(floats: Fixtures.floats(3 * 320 * 320, seed: 11, in: -2...2), shape: [1, 3, 320, 320])]
        let ours = try session.run(inputs)
        let reference = try Fixtures.reference(model: path, inputs: inputs)
        #expect(ours.count == 7)
        for (name, tensor) in reference {
            #expect(try Self.maxDifference(#require(ours[name]), tensor) <= 1e-6, "\(name)")
        }
    }

    @Test func externalDataModelLoadsAndMatches() throws {
        let path = Fixtures.model("mlp_external.onnx")
        #expect(FileManager.default.fileExists(atPath: path + "_data"))
        let session = try InferenceSession(modelPath: path, environment: Fixtures.environment(), logger: Fixtures.quiet)
        let inputs = ["x": try Tensor(floats: Fixtures.floats(5 * 16, seed: 3, in: -1...1), shape: [5, 16])]
        let ours = try session.run(inputs)
        let reference = try Fixtures.reference(model: path, inputs: inputs)
        #expect(try Self.maxDifference(#require(ours["y"]), #require(reference["y"])) <= 1e-6)
        // The weights are not inside the .onnx file, so loading its bytes alone must fail.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(throws: InferenceError.self) {
            try InferenceSession(modelBytes: bytes, environment: Fixtures.environment(), logger: Fixtures.quiet)
        }
    }

    @Test func float16AndInt64Match() throws {
        let path = Fixtures.model("dtypes_fp16.onnx")
        let session = try InferenceSession(modelPath: path, environment: Fixtures.environment(), logger: Fixtures.quiet)
        let inputs = [
            "x": try Tensor(float16From: Fixtures.floats(4 * 8, seed: 5, in: -3...3), shape: [4, 8]),
            "ids": try Tensor(int64s: [0, -7, 1 << 40, 49407], shape: [4]),
        ]
        let ours = try session.run(inputs)
        let reference = try Fixtures.reference(model: path, inputs: inputs)
        #expect(try ours["ids2"]?.int64s() == [0, -14, 1 << 41, 98814])
        #expect(ours["ids2"] == reference["ids2"])
        #expect(ours["y"]?.elementType == .float16)
        #expect(try ours["y"]?.float16Bits() == reference["y"]?.float16Bits())
        #expect(try Self.maxDifference(#require(ours["y32"]), #require(reference["y32"])) == 0)
        // The same model from memory gives the same bits.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let fromMemory = try InferenceSession(modelBytes: bytes, environment: session.environment, logger: Fixtures.quiet)
        #expect(try fromMemory.run(inputs) == ours)
    }

    @Test func ioBindingGivesTheSameOutputsAndRebinds() throws {
        let path = Fixtures.model("clip_tiny.onnx")
        let session = try InferenceSession(modelPath: path, environment: Fixtures.environment(), logger: Fixtures.quiet)
        let inputs = try Self.clipInputs(texts: 2, images: 1)
        let direct = try session.run(inputs, outputNames: ["text_embeds", "logits_per_image"])
        let binding = try session.makeIOBinding()
        for (name, tensor) in inputs { try binding.bindInput(name, tensor) }
        try binding.bindOutput("text_embeds")
        try binding.bindOutput("logits_per_image")
        #expect(try binding.run() == direct)
        let other = try Self.clipInputs(texts: 4, images: 1)
        try binding.bindInput("input_ids", #require(other["input_ids"]))
        try binding.bindInput("attention_mask", #require(other["attention_mask"]))
        let rebound = try binding.run()
        #expect(rebound["text_embeds"]?.shape == [4, 16])
        #expect(rebound == (try session.run(other, outputNames: ["text_embeds", "logits_per_image"])))
        binding.clearOutputs()
        try binding.bindOutput("image_embeds")
        #expect(try binding.run().keys.sorted() == ["image_embeds"])
        #expect(throws: InferenceError.invalidInput("the model has no output nope")) { try binding.bindOutput("nope") }
    }
}
