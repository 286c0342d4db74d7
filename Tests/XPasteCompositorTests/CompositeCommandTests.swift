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

    @Test func composesFromABankWithAProgressBarAndASummary() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "xpaste not built at \(Self.binary.path)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-cli-\(UUID().uuidString)")
        let photos = dir.appendingPathComponent("photos")
        try FileManager.default.createDirectory(at: photos, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
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

        let out = dir.appendingPathComponent("dataset")
        let ok = try Self.run(["composite", "--bank", bankURL.path, "--backgrounds", photos.path, "--out", out.path,
                               "--images", "3", "--seed", "4", "--instances", "2:5", "--jobs", "2"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("composite: 3 images"))
        #expect(ok.stderr.contains("3/3 images"))
        for file in ["annotations/train.json", "manifest.json", "train/000000000001.jpg", "train/000000000003.jpg"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
        }
        let again = try Self.run(["composite", "--bank", bankURL.path, "--backgrounds", photos.path, "--out", out.path])
        #expect(again.status == 2 && again.stderr.contains("compositor.invalid_parameter"))
        let bad = try Self.run(["composite", "--bank", bankURL.path, "--backgrounds", photos.path, "--out", out.path, "--blending", "fancy"])
        #expect(bad.status == 2 && bad.stderr.contains("--blending must be one of hard, alpha, gaussian"))
        let help = try Self.run(["composite", "--help"])
        for option in ["--bank", "--backgrounds", "--annotations", "--out", "--images", "--seed", "--format", "--split", "--jobs",
                       "--box-occluded-threshold", "--mask-occluded-threshold", "--segmentation", "--max-image-side"] {
            #expect(help.stdout.contains(option), "\(option) missing from --help")
        }
    }
}
