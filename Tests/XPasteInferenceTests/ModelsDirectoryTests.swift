import Foundation
import Logging
import Testing
@testable import XPasteInference
import XPasteTestSupport

@Suite("Models directory, manifests, checksums")
struct ModelsDirectoryTests {
    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-models-\(UUID())", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    // Golden digests: printf '' | sha256sum; printf 'abc' | sha256sum;
    // python -c "import hashlib; print(hashlib.sha256(bytes(i % 256 for i in range(256000))).hexdigest())"
    @Test func sha256MatchesKnownDigests() {
        #expect(ModelChecksum.sha256Hex(of: [UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ModelChecksum.sha256Hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let big = [UInt8]((0..<256_000).map { UInt8($0 % 256) })
        #expect(ModelChecksum.sha256Hex(of: big) == "b57b64b198d5d59ce5a22a9b9f25e72a7d081476d432051aa923f3dbebb90934")
    }

    // A file over two read chunks, hashed piece by piece, gives the one-shot digest of its bytes.
    @Test func fileChecksumStreamsInChunks() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let bytes = [UInt8]((0..<(2 * ModelChecksum.chunkSize + 12_345)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) })
        let file = root.appendingPathComponent("model.onnx")
        try Data(bytes).write(to: file)
        #expect(try ModelChecksum.sha256Hex(ofFile: file.path) == ModelChecksum.sha256Hex(of: bytes))
        #expect(throws: InferenceError.self) { try ModelChecksum.sha256Hex(ofFile: root.appendingPathComponent("absent").path) }
    }

    @Test func listsAndVerifiesModels() throws {
        let root = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: root) }
        let models = ModelsDirectory(root: root)
        #expect(models.list().isEmpty)
        let onnx = try Data(contentsOf: URL(fileURLWithPath: Fixtures.model("u2net_tiny.onnx")))
        let good = ModelManifest(
            name: "tiny-seg", family: .segmenter, variant: "u2net", source: "scripts/make-tiny-models.py",
            files: [.init(path: "model.onnx", sha256: ModelChecksum.sha256Hex(of: [UInt8](onnx)), bytes: Int64(onnx.count))],
            preprocessing: .init(size: 320))
        try models.write(good)
        try onnx.write(to: models.folder(of: "tiny-seg").appendingPathComponent("model.onnx"))
        #expect(try models.verify("tiny-seg").map(\.status) == [.ok])

        var bad = good
        bad.name = "tiny-bad"
        bad.files = [
            .init(path: "model.onnx", sha256: String(repeating: "0", count: 64)), .init(path: "gone.onnx", sha256: nil),
            .init(path: "extra.bin"),
        ]
        try models.write(bad)
        try onnx.write(to: models.folder(of: "tiny-bad").appendingPathComponent("model.onnx"))
        try Data([1, 2, 3]).write(to: models.folder(of: "tiny-bad").appendingPathComponent("extra.bin"))
        let checks = try models.verify("tiny-bad")
        #expect(checks.map(\.status) == [.mismatch, .missing, .unchecked])
        #expect(checks[2].sha256 == ModelChecksum.sha256Hex(of: [UInt8]([1, 2, 3])))

        try FileManager.default.createDirectory(at: root.appendingPathComponent("no-manifest"), withIntermediateDirectories: true)
        let listed = models.list()
        #expect(listed.map(\.name) == ["no-manifest", "tiny-bad", "tiny-seg"])
        #expect(listed[0].manifest == nil && listed[0].problem?.contains("manifest.json") == true)
        #expect(listed[2].manifest == good)
        #expect(throws: InferenceError.self) { try models.verify("no-manifest") }
    }

    @Test func modelsFolderComesFromTheEnvironment() {
        #expect(ModelsDirectory(environment: ["XPASTE_MODELS": "/srv/models"]).root.path == "/srv/models")
        #expect(ModelsDirectory(environment: [:]).root.lastPathComponent == "models")
    }

    @Test func catalogueEntriesAreWellFormed() {
        #expect(ModelCatalog.entries.keys.sorted() == [
            "birefnet-general", "clip-vit-b-32", "clip-vit-l-14", "isnet-general-use", "sd-1.5", "sd-turbo", "u2net", "u2netp",
        ])
        // Stable Diffusion entries carry every file StableDiffusionModel reads, in optimum's layout.
        for name in ["sd-1.5", "sd-turbo"] {
            let manifest = ModelCatalog.entries[name]?.manifest
            #expect(manifest?.family == .stableDiffusion)
            let paths = Set(manifest?.files.map(\.path) ?? [])
            #expect(paths.isSuperset(of: ["text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx",
                                          "tokenizer/merges.txt", "scheduler/scheduler_config.json"]))
        }
        for (name, entry) in ModelCatalog.entries {
            #expect(entry.manifest.name == name)
            #expect(entry.manifest.files.allSatisfy { $0.url?.hasPrefix("https://") == true })
            #expect(entry.manifest.files.allSatisfy { $0.sha256 == nil || $0.sha256!.count == 64 })
        }
        #expect(ModelCatalog.entries["isnet-general-use"]?.manifest.preprocessing?.size == 1024)
    }

    @Test func resumeDecisions() {
        #expect(ModelDownloader.decide(status: 206, offset: 100, contentRange: "bytes 100-999/1000") == .append)
        #expect(ModelDownloader.decide(status: 206, offset: 100, contentRange: "bytes 0-999/1000") == .restart)
        #expect(ModelDownloader.decide(status: 200, offset: 100, contentRange: nil) == .restart)
        #expect(ModelDownloader.decide(status: 416, offset: 100, contentRange: nil) == .complete)
        #expect(ModelDownloader.decide(status: 404, offset: 0, contentRange: nil) == .fail(404))
    }

    /// Runs Reference/range_server.py on `folder` and returns its base URL; the server stops when
    /// the returned pipe is closed.
    static func serve(_ folder: URL) throws -> (URL, Process, Pipe) {
        let process = Process()
        process.executableURL = ReferencePython.interpreter
        process.arguments = [
            SharedData.repositoryRoot.appendingPathComponent("Tests/XPasteInferenceTests/Reference/range_server.py").path, folder.path,
        ]
        let out = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardInput = input
        try process.run()
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        let port = try #require(Int(String(decoding: line, as: UTF8.self)))
        return (URL(string: "http://127.0.0.1:\(port)/")!, process, input)
    }

    @Test func pullsOverHTTPResumesChecksAndWritesTheManifest() async throws {
        let root = try Self.scratch()
        let served = try Self.scratch()
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: served)
        }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.model("clip_tiny.onnx"))))
        try Data(bytes).write(to: served.appendingPathComponent("clip.onnx"))
        let (base, server, stdin) = try Self.serve(served)
        defer {
            try? stdin.fileHandleForWriting.close()
            server.waitUntilExit()
        }
        let file = ModelManifest.File(
            path: "model.onnx", sha256: ModelChecksum.sha256Hex(of: bytes), bytes: Int64(bytes.count),
            url: base.appendingPathComponent("clip.onnx").absoluteString)
        let entry = ModelCatalog.Entry(manifest: ModelManifest(name: "local", family: .clip, files: [file]), summary: "test")
        // An interrupted earlier pull left the first 10,000 bytes; the pull resumes from there.
        let folder = root.appendingPathComponent("local")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(bytes[0..<10_000]).write(to: folder.appendingPathComponent("model.onnx.partial"))
        let downloader = ModelDownloader(directory: ModelsDirectory(root: root))
        let manifest = try await downloader.pull(entry, logger: Fixtures.quiet)
        #expect(manifest.files[0].sha256 == ModelChecksum.sha256Hex(of: bytes))
        #expect(try ModelsDirectory(root: root).verify("local").map(\.status) == [.ok])
        #expect(try ModelsDirectory(root: root).manifest(in: folder) == manifest)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.onnx.partial").path))

        // Resuming really appends to the partial file: a corrupted prefix is kept, so the checksum
        // catches it (a download started afresh would have succeeded).
        var resumed = entry.manifest
        resumed.name = "resumed"
        let resumedFolder = root.appendingPathComponent("resumed")
        try FileManager.default.createDirectory(at: resumedFolder, withIntermediateDirectories: true)
        try Data(repeating: 7, count: 10_000).write(to: resumedFolder.appendingPathComponent("model.onnx.partial"))
        let corrupted = try await #require(throws: InferenceError.self) {
            try await downloader.pull(ModelCatalog.Entry(manifest: resumed, summary: ""), logger: Fixtures.quiet)
        }
        #expect(corrupted.description.contains("sha256"))

        // A pinned checksum that the download does not match fails and leaves no partial file.
        var wrong = entry.manifest
        wrong.name = "wrong"
        wrong.files[0].sha256 = String(repeating: "a", count: 64)
        await #expect(throws: InferenceError.self) {
            try await downloader.pull(ModelCatalog.Entry(manifest: wrong, summary: ""), logger: Fixtures.quiet)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("wrong").path).isEmpty)
        // A missing file is an HTTP error, named.
        var missing = entry.manifest
        missing.name = "missing"
        missing.files[0].url = base.appendingPathComponent("nope.onnx").absoluteString
        let error = try await #require(throws: InferenceError.self) {
            try await downloader.pull(ModelCatalog.Entry(manifest: missing, summary: ""), logger: Fixtures.quiet)
        }
        #expect(error.description.contains("404"))
    }
}
