import Foundation
import Testing
import XPasteBank
import XPasteCompositor
import XPasteLVIS

/// The built `xpaste` binary driven with hostile or careless input (issue 13): every case ends in a
/// typed error (`xpaste: error [code]: …`) and the exit status of its class, never a trap, a hang
/// or a silent 0. Exit statuses: 64 usage, 65 bad input, 70 internal, 74 I/O.
@Suite struct HostileCLITests {
    static func run(_ arguments: [String], stdout: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        guard let stdout else { return try CompositeCommandTests.run(arguments) }
        // Standard output redirected to a file (e.g. /dev/full) by a shell.
        let quoted = ([CompositeCommandTests.binary.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", quoted.joined(separator: " ") + " > " + stdout]
        let err = Pipe()
        process.standardError = err
        try process.run()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, "", String(decoding: stderr, as: UTF8.self))
    }

    /// Inverted and non-finite ranges trapped with SIGILL ("Range requires lowerBound <= upperBound").
    @Test func invertedAndNonFiniteRangesAreUsageErrors() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CompositeCommandTests.binary.path))
        let (dir, photos, bank) = try CompositeCommandTests.makeInputs()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [([String], String)] = [
            (["bank", "ls", "--bank", bank.path, "--min-score", "5", "--max-score", "1"], "--min-score 5.0 is above --max-score 1.0"),
            (["bank", "ls", "--bank", bank.path, "--max-area=-1"], "--max-area -1.0 is below"),
            (["bank", "ls", "--bank", bank.path, "--min-area", "inf"], "--min-area must be a finite number"),
            (["bank", "export", "--bank", bank.path, "--min-score", "nan", dir.appendingPathComponent("x").path], "--min-score must be a finite number"),
        ]
        for (arguments, message) in cases {
            let r = try Self.run(arguments)
            #expect(r.status == 64, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains("[bank.invalid_argument]") && r.stderr.contains(message), "\(r.stderr)")
        }
        let out = dir.appendingPathComponent("dataset")
        for (option, value) in [("--min-clip-score", "nan"), ("--min-clip-score", "inf"), ("--polygon-tolerance", "inf"),
                                ("--min-size-pixels", "inf"), ("--feather-sigma", "nan")] {
            let r = try Self.run(["composite", "--bank", bank.path, "--backgrounds", photos.path, "--out", out.path, option, value])
            #expect(r.status == 64, "\(option) \(value): \(r.stderr)")
            #expect(r.stderr.contains("[compositor.invalid_parameter]") && r.stderr.contains("\(option) must be a finite number"), "\(r.stderr)")
        }
        let area = try Self.run(["composite", "--bank", bank.path, "--backgrounds", photos.path, "--out", out.path, "--area-range", "0.5:inf"])
        #expect(area.status == 64 && area.stderr.contains("--area-range must be two finite numbers"))
        // Validated up front: nothing was made.
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// `lvis-stats > /dev/full` trapped in `FileHandle.write`; `bank stats > /dev/full` exited 0 with
    /// its output lost.
    /// `xpaste generate` refuses bad flags before opening anything, and a missing or incomplete
    /// model with a typed error that says what to do.
    @Test func generateRefusesBadInputWithoutLoadingAModel() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CompositeCommandTests.binary.path))
        let (dir, _, bank) = try CompositeCommandTests.makeInputs()
        defer { try? FileManager.default.removeItem(at: dir) }
        let usage: [([String], String)] = [
            (["generate", "--bank", bank.path], "name at least one --category"),
            (["generate", "--bank", bank.path, "--category", "cat", "--width", "100"], "--width: must be a multiple of 8 in 64…2048, got 100"),
            (["generate", "--bank", bank.path, "--category", "cat", "--scheduler", "lms"], "--scheduler: unknown \"lms\""),
            (["generate", "--bank", bank.path, "--category", "cat", "--guidance", "nan"], "--guidance: must be in 0…100"),
            (["generate", "--bank", bank.path, "--category", "cat", "--prompt-template", "a photo"], "--prompt-template: must contain {name}"),
            (["generate", "--bank", bank.path, "--category", "cat", "--provider", "gpu"], "unknown provider \"gpu\""),
            (["generate", "--bank", bank.path, "--category", "cat", "--warmup-steps", "2000"], "--warmup-steps must be in 0…1000"),
        ]
        for (arguments, message) in usage {
            let r = try Self.run(arguments)
            #expect(r.status == 64, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(arguments): \(r.stderr)")
        }
        let models = dir.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        let missing = try Self.run(["generate", "--bank", bank.path, "--category", "cat", "--models", models.path])
        #expect(missing.status != 0 && missing.stderr.contains("[inference.model_not_found]") && missing.stderr.contains("xpaste models pull sd-1.5"), "\(missing.stderr)")
        let notSD = try Self.run(["generate", "--bank", bank.path, "--category", "cat", "--model", models.path])
        #expect(notSD.status != 0 && notSD.stderr.contains("text_encoder/model.onnx is missing"), "\(notSD.stderr)")
        // Nothing was generated.
        let stats = try Self.run(["bank", "stats", "--bank", bank.path])
        #expect(stats.stdout.contains("generated 0"), "\(stats.stdout)")
    }

    @Test func fullOutputIsAnIOError() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CompositeCommandTests.binary.path))
        let (dir, _, bank) = try CompositeCommandTests.makeInputs()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lvis = dir.appendingPathComponent("a.json")
        try Data(#"{"images": [{"id": 1, "width": 10, "height": 10}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 5, 5], "area": 25, "segmentation": [[0, 0, 5, 0, 5, 5]]}], "categories": [{"id": 1, "name": "a"}]}"#.utf8).write(to: lvis)
        for arguments in [["lvis-stats", lvis.path], ["bank", "stats", "--bank", bank.path], ["bank", "ls", "--bank", bank.path, "--json"]] {
            let r = try Self.run(arguments, stdout: "/dev/full")
            #expect(r.status == 74, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains("[cli.io]") && r.stderr.contains("No space left on device"), "\(r.stderr)")
        }
        let ok = try Self.run(["lvis-stats", lvis.path])
        #expect(ok.status == 0 && ok.stdout == "{\"1\": [0.5, 0.0]}\n", "\(ok.stderr)")
    }

    /// JSON nested 100 000 deep crashed every reader with a stack overflow; overflowing sizes were
    /// written as [0, 0]; `-o` replaced a symlink by rename.
    @Test func lvisStatsRefusesHostileFiles() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CompositeCommandTests.binary.path))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let deep = dir.appendingPathComponent("deep.json")
        try Data(("{\"info\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}").utf8).write(to: deep)
        let d = try Self.run(["lvis-stats", deep.path])
        #expect(d.status == 65 && d.stderr.contains("[lvis.malformed]") && d.stderr.contains("nested deeper than"), "\(d.stderr)")
        // The same file, and a missing one, fail with the same code and status in every reader
        // (composite's --categories said 64, a usage error, for a malformed file).
        for (file, code, status) in [(deep, "lvis.malformed", Int32(65)), (dir.appendingPathComponent("absent.json"), "lvis.io", 74)] {
            let s = try Self.run(["lvis-stats", file.path])
            let c = try Self.run(["composite", "--bank", dir.appendingPathComponent("none").path, "--categories", file.path, "--out", dir.path + "/o"])
            for r in [s, c] {
                #expect(r.status == status && r.stderr.contains("[\(code)]"), "\(file.lastPathComponent): \(r.stderr)")
            }
        }

        let big = dir.appendingPathComponent("big.json")
        try Data(#"{"images": [{"id": 1, "width": 640, "height": 480}], "annotations": [{"id": 1, "image_id": 1, "category_id": 3, "bbox": [0, 0, 1e300, 1e300], "area": 1, "segmentation": [[0, 0, 5, 0, 5, 5]]}], "categories": [{"id": 3, "name": "a"}]}"#.utf8).write(to: big)
        let o = try Self.run(["lvis-stats", big.path])
        #expect(o.status == 65 && o.stderr.contains("[lvis.invalid]") && o.stderr.contains("category 3 overflow") && o.stdout.isEmpty, "\(o.stderr)")

        let small = dir.appendingPathComponent("small.json")
        try Data(#"{"images": [{"id": 1, "width": 10, "height": 10}], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 5, 5], "area": 25, "segmentation": [[0, 0, 5, 0, 5, 5]]}], "categories": [{"id": 1, "name": "a"}]}"#.utf8).write(to: small)
        let target = dir.appendingPathComponent("target"), link = dir.appendingPathComponent("link")
        try Data("keep".utf8).write(to: target)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let l = try Self.run(["lvis-stats", small.path, "-o", link.path])
        #expect(l.status == 74 && l.stderr.contains("not a regular file"), "\(l.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == target.path)
        #expect(try String(contentsOf: target, encoding: .utf8) == "keep")
    }

    /// A FIFO named like an image in a backgrounds folder hung the run; an annotation `file_name` of
    /// `../../etc/passwd` was read outside the image root and its first bytes were printed.
    @Test func backgroundsStayInsideTheirRoot() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CompositeCommandTests.binary.path))
        let (dir, photos, bank) = try CompositeCommandTests.makeInputs()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(mkfifo(photos.appendingPathComponent("zz-fifo.png").path, 0o600) == 0)
        let secret = dir.appendingPathComponent("secret.png")
        try Data("SECRET-CONTENTS-0123456789".utf8).write(to: secret)
        let f = try Self.run(["composite", "--bank", bank.path, "--backgrounds", photos.path, "--out", dir.appendingPathComponent("o1").path,
                              "--images", "2", "--quiet"])
        #expect(f.status == 0, "\(f.stderr)")

        let annotations = dir.appendingPathComponent("ann.json")
        try Data(#"{"images": [{"id": 1, "width": 10, "height": 10, "file_name": "../secret.png"}, {"id": 2, "width": 10, "height": 10, "file_name": "\#(secret.path)"}], "annotations": [], "categories": [{"id": 1, "name": "a", "frequency": "f", "synset": "a.n.01"}]}"#.utf8).write(to: annotations)
        let t = try Self.run(["composite", "--bank", bank.path, "--backgrounds", photos.path, "--annotations", annotations.path,
                              "--out", dir.appendingPathComponent("o2").path, "--quiet"])
        #expect(!t.stderr.contains("SECRET") && !t.stdout.contains("SECRET"))
        let images = try AnnotatedBackgrounds(annotations: annotations, imageRoot: photos, limit: nil)
        #expect(images.path(of: LVISImage(id: 1, width: 10, height: 10, fileName: "../secret.png")) == nil)
        #expect(images.path(of: LVISImage(id: 2, width: 10, height: 10, fileName: secret.path)) == nil)
        #expect(images.path(of: LVISImage(id: 3, width: 10, height: 10, fileName: "gravel.png.jpg")) != nil)
    }
}

/// The library-level checks behind the CLI's (the HTTP API uses the same types).
@Suite struct CompositorInputValidationTests {
    /// `inf` passed `polygonTolerance >= 0` and failed late in the manifest writer.
    @Test func nonFiniteParametersAreRefused() {
        var p = CompositorParameters()
        p.polygonTolerance = .infinity
        #expect(throws: CompositorError.self) { try p.validate() }
        p = CompositorParameters()
        p.minSizePixels = .infinity
        #expect { try p.validate() } throws: { "\($0)".contains("min size pixels must be a finite number") }
        #expect(throws: Never.self) { try CompositorParameters().validate() }
    }

    /// A NaN or infinite minimum CLIP score trapped building `score...greatestFiniteMagnitude`.
    @Test func nonFiniteCutoutFiltersAreRefused() {
        #expect(throws: CompositorError.self) { try BankCutoutSource.Filter(minClipScore: .nan).validate() }
        #expect(throws: CompositorError.self) { try BankCutoutSource.Filter(minClipScore: .infinity).validate() }
        #expect(throws: CompositorError.self) { try BankCutoutSource.Filter(areaRatio: 0...Double.infinity).validate() }
        #expect(throws: Never.self) { try BankCutoutSource.Filter(minClipScore: 20, areaRatio: 0...1).validate() }
    }

    /// Issue 13: `bank import --coco` held every annotation's mask in memory until the whole file
    /// was read (LVIS train: 1.27 M of them). 6,000 polygons on a declared 4000×3000 image are
    /// about 190 MB as masks; the streaming import keeps an index entry each and parks the polygons
    /// on disk. Old code: 233 MB peak RSS here; now about 45 MB. Peak RSS from /usr/bin/time.
    @Test func cocoImportDoesNotHoldEveryMask() throws {
        try #require(FileManager.default.isExecutableFile(atPath: CompositeCommandTests.binary.path))
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/time"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-coco-rss-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let count = 6000
        // A triangle over the whole image: two runs per column, 8,000 runs a mask.
        let annotations = (1...count).map { k in
            #"{"id": \#(k), "image_id": 1, "category_id": 1, "bbox": [0, 0, 3999, 2999], "area": 6000000, "iscrowd": 0, "segmentation": [[0, 0, 3999, 0, 0, \#(2999 - k % 7)]]}"#
        }
        let file = dir.appendingPathComponent("big.json")
        try Data(("{\"annotations\": [" + annotations.joined(separator: ", ") + #"], "images": [{"id": 1, "width": 4000, "height": 3000, "file_name": "missing.jpg"}], "categories": [{"id": 1, "name": "thing"}]}"#).utf8).write(to: file)
        let rss = dir.appendingPathComponent("rss")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments = ["-f", "%M", "-o", rss.path, CompositeCommandTests.binary.path, "bank", "import",
                             "--bank", dir.appendingPathComponent("b.sqlite").path, "--custom-vocabulary", "--coco", file.path, "--images", dir.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(stdout.contains("imported 0 of \(count) annotations (0 already in the bank, \(count) skipped)"), "\(stdout.prefix(300))")
        let text = try String(contentsOf: rss, encoding: .utf8)
        let peakKB = try #require(text.split(separator: "\n").compactMap { Int($0) }.last, "\(text)")
        #expect(peakKB < 120_000, "peak RSS \(peakKB) KB")
    }

}
