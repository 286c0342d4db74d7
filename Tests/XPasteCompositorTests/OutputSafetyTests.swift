import Foundation
import Testing
import XPasteImage
import XPasteLVIS
import XPasteTestSupport
@testable import XPasteCompositor

/// Bad inputs are skipped and counted (never written wrong, never aborting the run), and output
/// folders hold exactly one run's result.
@Suite(.serialized) struct OutputSafetyTests {
    /// A copy of the fixture's background file with `edit` applied to its JSON (our writer would
    /// refuse the damage these tests need).
    static func edited(_ f: CompositeRunTests.Fixture, _ name: String, _ edit: (inout [[String: Any]]) -> Void) throws -> URL {
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: f.annotations)) as! [String: Any]
        var annotations = json["annotations"] as! [[String: Any]]
        edit(&annotations)
        json["annotations"] = annotations
        let url = f.root.appendingPathComponent(name)
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        return url
    }

    @Test func badBackgroundsAndAnnotationsAreSkippedCountedAndReported() async throws {
        let f = try await CompositeRunTests.makeFixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        // Image 2's file is truncated; image 3 has an annotation with an odd polygon ring; one
        // annotation names an image id the file does not list.
        let second = f.folder.appendingPathComponent("000000000002.jpg")
        let bytes = try Data(contentsOf: second)
        try bytes.prefix(bytes.count / 3).write(to: second)
        let file = try Self.edited(f, "damaged.json") { annotations in
            let k = annotations.firstIndex { $0["image_id"] as? Int == 3 }!
            var rings = annotations[k]["segmentation"] as! [[Double]]
            rings[0].removeLast()
            annotations[k]["segmentation"] = rings
            var stray = annotations[0]
            stray["id"] = 999
            stray["image_id"] = 77
            annotations.append(stray)
        }
        let run = try CompositeRunTests().makeRun(f, out: "skips", images: 6, annotationsFile: file)
        let summary = try run.run()
        // 6 output images over 3 backgrounds: images 2, 5 (truncated) and 3, 6 (bad polygon) skipped.
        #expect(summary.counts.images == 2)
        #expect(summary.counts.skipped == ["background_unreadable": 2, "annotation_invalid_segmentation": 2, "annotation_unknown_image": 1])
        #expect(summary.skipReports.count == 3)
        let dataset = try LVISDataset(contentsOf: run.request.outputDirectory.appendingPathComponent("annotations/train.json"))
        #expect(dataset.images.map(\.id) == [1, 4])
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: run.request.outputDirectory.appendingPathComponent("manifest.json"))) as! [String: Any]
        let counts = (manifest["summary"] as! [String: Any])["skipped"] as! [String: Int]
        #expect(counts["background_unreadable"] == 2)
        // Past the user's threshold the run fails, and nothing is published.
        let strict = try CompositeRunTests().makeRun(f, out: "strict", images: 6, annotationsFile: file, maxSkipped: 2)
        #expect {
            _ = try strict.run()
        } throws: { ($0 as? CompositorError)?.code == "compositor.too_many_skipped" }
        #expect(!FileManager.default.fileExists(atPath: strict.request.outputDirectory.appendingPathComponent("train").path))
    }

    @Test func annotationsAreScaledToADownscaledCopyAndARotatedImageIsSkipped() async throws {
        let f = try await CompositeRunTests.makeFixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        // Image 1 on disk becomes a half-size copy (same aspect); image 2 is stored rotated.
        let first = f.folder.appendingPathComponent("000000000001.jpg"), second = f.folder.appendingPathComponent("000000000002.jpg")
        let a = try ImageCodec.decode(contentsOf: first.path)
        try Data(ImageCodec.encodeJPEG(a.resized(width: a.width / 2, height: a.height / 2, filter: .area), quality: 92)).write(to: first)
        let b = try ImageCodec.decode(contentsOf: second.path)
        try #require(b.width != b.height)
        try Data(ImageCodec.encodeJPEG(b.resized(width: b.height, height: b.width, filter: .area), quality: 92)).write(to: second)
        let run = try CompositeRunTests().makeRun(f, out: "sizes", images: 3)
        let summary = try run.run()
        #expect(summary.counts.backgroundsRescaled == 1)
        #expect(summary.counts.skipped == ["background_size_mismatch": 1])
        // The rescaled image's labels are exact on the pixels written (masks == tracked objects).
        let dataset = try CompositeRunTests().checkDataset(run, format: "lvis")
        let image1 = try #require(dataset.images.first { $0.id == 1 })
        #expect(image1.width == a.width / 2 && image1.height == a.height / 2)
        let background = try run.compose(0).background
        #expect(background.annotationsRescaled && background.objects.allSatisfy { $0.frame.x + $0.frame.width <= a.width / 2 })
    }

    @Test func overwriteReplacesTheSplitEntirelyAndLeftoversAreCleanedUp() async throws {
        let f = try await CompositeRunTests.makeFixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        _ = try CompositeRunTests().makeRun(f, out: "again", images: 5).run()
        let run = try CompositeRunTests().makeRun(f, out: "again", images: 2, overwrite: true)
        _ = try run.run()
        let out = run.request.outputDirectory
        let jpegs = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("train").path).sorted()
        #expect(jpegs == ["000000000001.jpg", "000000000002.jpg"])
        // A killed run's staging folder is removed by the next plain run; nothing hidden stays.
        let staging = out.appendingPathComponent(".xpaste-partial-train")
        try FileManager.default.createDirectory(at: staging.appendingPathComponent("done"), withIntermediateDirectories: true)
        try Data("junk".utf8).write(to: staging.appendingPathComponent("annotations.json.spill"))
        _ = try CompositeRunTests().makeRun(f, out: "again", images: 2, overwrite: true).run()
        let hidden = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty)
        // A run that fails at start leaves nothing that blocks a plain re-run.
        let failing = try CompositeRunTests().makeRun(f, out: "fresh", images: 2, maxSkipped: 0) { $0.split = "val" }
        try FileManager.default.removeItem(at: f.folder.appendingPathComponent("000000000001.jpg"))
        #expect(throws: CompositorError.self) { _ = try failing.run() }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: failing.request.outputDirectory.path)) ?? []
        #expect(!entries.contains("val") && !entries.contains("annotations"))
    }
}
