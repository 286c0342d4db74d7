import Foundation
import Testing
import XPasteInference

/// The tiny Stable Diffusion and diffusers' golden values (scripts/make-tiny-diffusion.py wrote
/// both: `.venv-fixtures/bin/python scripts/make-tiny-diffusion.py`).
enum DiffusionFixtures {
    static var root: URL { Bundle.module.bundleURL.appendingPathComponent("Resources/diffusion") }
    static var modelFolder: String { root.appendingPathComponent("tiny-sd").path }

    /// Little-endian float32 values from a golden file.
    static func floats(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: root.appendingPathComponent(name))
        return data.withUnsafeBytes { raw in (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) } }
    }

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: root.appendingPathComponent(name))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The tiny model loaded once per test process (sessions are shareable).
    static func model() throws -> StableDiffusionModel { try shared.get() }

    private static let shared = Result<StableDiffusionModel, any Error> {
        try StableDiffusionModel(folder: modelFolder, environment: Fixtures.environment(), logger: Fixtures.quiet)
    }

    /// A copy of the tiny model whose UNet is replaced by `variant` (unet-variants/…).
    static func modelWithUNet(_ variant: String) throws -> (folder: URL, model: StableDiffusionModel) {
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("tiny-sd-\(variant)-\(UUID().uuidString)")
        try fm.copyItem(at: URL(fileURLWithPath: modelFolder), to: folder)
        let unet = folder.appendingPathComponent("unet")
        try fm.removeItem(at: unet)
        try fm.createDirectory(at: unet, withIntermediateDirectories: true)
        try fm.copyItem(at: root.appendingPathComponent("unet-variants/\(variant)/model.onnx"), to: unet.appendingPathComponent("model.onnx"))
        let model = try StableDiffusionModel(folder: folder.path, environment: Fixtures.environment(), logger: Fixtures.quiet)
        return (folder, model)
    }

    static func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }
}
