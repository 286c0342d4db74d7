import Foundation
import Logging
import Testing
import XPasteBank
import XPasteImage
import XPasteTestSupport

/// `xpaste composite` as a user runs it: the built binary on a bank and a folder of photos.
@Suite struct CompositeCommandTests {
    /// The `xpaste` executable next to the test bundle (both are products of the same build).
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("xpaste")
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    /// A folder with two photos and a bank holding one accepted horse cutout; returns (dir, photos, bank).
    static func makeInputs() throws -> (URL, URL, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-cli-\(UUID().uuidString)")
        let photos = dir.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        for name in ["gravel.png", "astronaut.png"] {
            try Data(ImageCodec.encodeJPEG(RealCutouts.photo(name), quality: 90)).write(to: photos.appendingPathComponent(name + ".jpg"))
        }
        var logger = Logger(label: "test.cli")
        logger.logLevel = .error
        let bankURL = dir.appendingPathComponent("bank.sqlite")
        let bank = try SQLiteBank(url: bankURL, logger: logger)
        try bank.upsertCategories([BankCategory(id: 569, name: "horse", synonyms: ["horse"], frequency: .frequent)])
        let png = try ImageCodec.encodePNG(RealCutouts.horse(texture: "chelsea.png"))
        let source = try bank.addSource(NewSource(kind: .uploaded, bytes: Data(png), width: 400, height: 328, categoryId: 569)).id
        _ = try bank.addInstances([NewInstance(sourceId: source, categoryId: 569, segmenter: "test", cutout: PNGBlob(Data(png)),
                                               clipScore: 30, status: .accepted, decidedBy: .filter)])
        try bank.close()
        return (dir, photos, bankURL)
    }

    @Test func composesFromABankWithAProgressBarAndASummary() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "xpaste not built at \(Self.binary.path)")
        let (dir, photos, bankURL) = try Self.makeInputs()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("dataset")
        let ok = try Self.run(["composite", "--bank", bankURL.path, "--backgrounds", photos.path, "--out", out.path,
                               "--images", "3", "--seed", "4", "--instances", "2:5", "--jobs", "2"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("composite: 3 images"))
        #expect(ok.stderr.contains("3/3 images"))
        // Ready registration with absolute paths; detectron2's image root ends with "/".
        // This bank holds one category (horse, id 569) and no LVIS vocabulary: ids are not dense from 1,
        // so detectron2 gets its COCO loader (which maps ids itself), mmdetection the class list.
        #expect(ok.stdout.contains("register_coco_instances(\"xpaste_train\""))
        #expect(ok.stdout.contains("mmdetection (num_classes=1)") && ok.stdout.contains("metainfo=dict(classes=(\"horse\",))"))
        #expect(ok.stdout.contains("\"\(out.standardizedFileURL.path)/\")"))
        for file in ["annotations/train.json", "manifest.json", "train/000000000001.jpg", "train/000000000003.jpg"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
        }
        let again = try Self.run(["composite", "--bank", bankURL.path, "--backgrounds", photos.path, "--out", out.path])
        #expect(again.status == 64 && again.stderr.contains("compositor.invalid_parameter"))
        let bad = try Self.run(["composite", "--bank", bankURL.path, "--backgrounds", photos.path, "--out", out.path, "--blending", "fancy"])
        #expect(bad.status == 64 && bad.stderr.contains("--blending must be one of hard, alpha, gaussian"))
        let help = try Self.run(["composite", "--help"])
        for option in ["--bank", "--backgrounds", "--annotations", "--out", "--images", "--seed", "--format", "--split", "--jobs",
                       "--box-occluded-threshold", "--mask-occluded-threshold", "--segmentation", "--max-image-side",
                       "--overwrite", "--resume", "--max-skipped", "--categories"] {
            #expect(help.stdout.contains(option), "\(option) missing from --help")
        }
    }

    /// A run killed with SIGKILL part-way, then resumed, gives the same bytes as a run never
    /// interrupted (the manifest's registration names the other folder, so it is compared without it).
    @Test func sigkilledRunResumesToAByteIdenticalResult() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "xpaste not built at \(Self.binary.path)")
        let (dir, photos, bankURL) = try Self.makeInputs()
        defer { try? FileManager.default.removeItem(at: dir) }
        func arguments(_ out: URL) -> [String] {
            ["composite", "--bank", bankURL.path, "--backgrounds", photos.path, "--out", out.path, "--images", "40", "--seed", "9",
             "--instances", "4:8", "--jobs", "1", "--shard-size", "1", "--quiet"]
        }
        let reference = dir.appendingPathComponent("reference"), cut = dir.appendingPathComponent("cut")
        let whole = try Self.run(arguments(reference))
        #expect(whole.status == 0, "\(whole.stderr)")

        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments(cut)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let done = cut.appendingPathComponent(".xpaste-partial-train/done")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, ((try? FileManager.default.contentsOfDirectory(atPath: done.path).filter { $0.hasSuffix(".json") }.count) ?? 0) < 5 {
            usleep(2_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try #require(process.terminationReason == .uncaughtSignal, "the run finished before it could be killed")
        #expect(!FileManager.default.fileExists(atPath: cut.appendingPathComponent("train").path))

        let resumed = try Self.run(arguments(cut) + ["--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let line = try #require(resumed.stdout.split(separator: "\n").first { $0.contains("resumed images") })
        #expect((Int(line.split(separator: " ").last ?? "") ?? 0) >= 5, "\(line)")
        let fm = FileManager.default
        let files = try fm.subpathsOfDirectory(atPath: reference.path).sorted()
        #expect(files == (try fm.subpathsOfDirectory(atPath: cut.path).sorted()))
        #expect(files.filter { $0.hasSuffix(".jpg") }.count == 40)
        for file in files where file.contains(".") {
            if file == "manifest.json" {
                #expect(try CompositeRunTests.manifestWithoutRegistration(reference) == CompositeRunTests.manifestWithoutRegistration(cut))
            } else {
                #expect(try Data(contentsOf: reference.appendingPathComponent(file)) == Data(contentsOf: cut.appendingPathComponent(file)), "\(file) differs")
            }
        }
    }
}
