import Foundation
import Testing
import XPasteBank
import XPasteImage
import XPasteLVIS
import XPasteTestSupport
@testable import XPasteCompositor

/// `--lsj` (X-Paste's EfficientDetResizeCrop before pasting) and `--variants`.
@Suite struct LargeScaleJitterTests {
    let runs = CompositeRunTests()

    /// X-Paste's arithmetic on hand-computed cases: zoom-in (random crop of the resized image) and
    /// zoom-out (the whole resized image, smaller than the crop, not padded).
    @Test func geometryFollowsEfficientDetResizeCrop() {
        // 512 × 384, scale 1.5: img_scale = min(960/384, 960/512) = 1.875 → 960 × 720; offsets
        // int(320 · 0.25) = 80 and int(80 · 0.5) = 40.
        let zoomIn = LargeScaleJitter.Draw(size: 640, scale: 1.5, offsetFractionY: 0.5, offsetFractionX: 0.25).geometry(width: 512, height: 384)
        #expect(zoomIn.imageScale == 1.875 && zoomIn.scaledWidth == 960 && zoomIn.scaledHeight == 720)
        #expect(zoomIn.crop == PixelBox(x: 80, y: 40, width: 640, height: 640))
        // Scale 0.5: img_scale = min(320/384, 320/512) = 0.625 → 320 × 240, no offset, no padding.
        let zoomOut = LargeScaleJitter.Draw(size: 640, scale: 0.5, offsetFractionY: 0.9, offsetFractionX: 0.9).geometry(width: 512, height: 384)
        #expect(zoomOut.imageScale == 0.625 && zoomOut.crop == PixelBox(x: 0, y: 0, width: 320, height: 240))
        #expect(LargeScaleJitter(parsing: "640:0.1:2.0") == LargeScaleJitter(size: 640, minScale: 0.1, maxScale: 2.0))
        #expect(LargeScaleJitter(parsing: "640:0.1") == nil && LargeScaleJitter(parsing: "a:0.1:2") == nil)
        #expect(throws: CompositorError.self) { try LargeScaleJitter(size: 640, minScale: 2, maxScale: 1).validate() }
        var p = CompositorParameters()
        p.lsj = LargeScaleJitter()
        p.maxImageSide = 512
        #expect(throws: CompositorError.self) { try p.validate() }
    }

    /// Each image: the background is the crop, its annotations are the file's polygons mapped by
    /// X-Paste's `apply_coords` (x·img_scale − offset) and rasterised at the crop (clipped; those
    /// left with no pixel dropped), and the pastes are planned and skipped relative to the crop.
    @Test func backgroundsAndAnnotationsAreJitteredExactlyAndPastesFollowTheCrop() async throws {
        let f = try await CompositeRunTests.makeFixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        // Small crops of strong zoom-ins, so annotations are clipped.
        let lsj = LargeScaleJitter(size: 128, minScale: 0.5, maxScale: 2.0)
        let run = try runs.makeRun(f, out: "lsj", images: 12) { $0.lsj = lsj }
        let file = try LVISDataset(contentsOf: f.annotations)
        var clipped = 0, zoomIns = 0
        for i in 0..<12 {
            let (background, plan, composed) = try run.compose(i)
            let entry = file.images[i % 3]
            var rng = PasteRandom.forImage(seed: 11, index: i)
            let g = lsj.draw(using: &rng).geometry(width: entry.width, height: entry.height)
            #expect(background.jitter == g)
            #expect(background.image.width == g.crop.width && background.image.height == g.crop.height)
            if g.scaledWidth > 128 || g.scaledHeight > 128 { zoomIns += 1 }
            // Annotations: exactly the transformed polygons, rasterised at the crop.
            var expected: [RLE] = []
            for a in file.annotations where a.imageID == entry.id {
                guard case .polygons(let rings) = a.segmentation else { continue }
                let moved = rings.map { ring in
                    ring.enumerated().map { $0.offset % 2 == 0 ? $0.element * g.imageScale - Double(g.crop.x) : $0.element * g.imageScale - Double(g.crop.y) }
                }
                let xs = moved.flatMap { $0.enumerated().filter { $0.offset % 2 == 0 }.map(\.element) }
                if (xs.min() ?? 0) < 0 || (xs.max() ?? 0) > Double(g.crop.width) { clipped += 1 }
                let rle = try RLE(polygons: moved, height: g.crop.height, width: g.crop.width)
                if rle.area > 0 { expected.append(rle) }
            }
            let got = background.objects.map { o -> RLE in
                var full = BinaryMask(width: g.crop.width, height: g.crop.height)
                for y in 0..<o.frame.height { for x in 0..<o.frame.width where o.mask[x, y] { full[o.frame.x + x, o.frame.y + y] = true } }
                return RLE(encoding: full)
            }.filter { $0.area > 0 }
            #expect(got.map(\.compressedCounts) == expected.map(\.compressedCounts), "image \(i + 1)")
            // Pastes: s clipped to [10 / crop height, 0.5], centres in the crop, the skip rule on the crop.
            for (k, paste) in plan.pastes.enumerated() {
                #expect(paste.sizeRatio >= min(10 / Double(g.crop.height), 0.5) - 1e-12 && paste.sizeRatio <= 0.5)
                #expect(paste.centerX < g.crop.width && paste.centerY < g.crop.height)
                let cutout = try ImageCodec.decode([UInt8](f.bank.cutout(of: paste.instanceID).png))
                let size = paste.targetSize(cutoutWidth: cutout.width, cutoutHeight: cutout.height, imageWidth: g.crop.width,
                                            imageHeight: g.crop.height, minSide: 5)
                #expect((size == nil) == (composed.outcomes[k] == .skippedSize), "image \(i + 1) paste \(k)")
            }
        }
        #expect(zoomIns > 0 && clipped > 0, "the seed should give zoom-ins whose crop cuts annotations")
    }

    /// Same seed, same jittered images and files, on one thread or two; the manifest records each
    /// image's jitter, and the registration says not to jitter again.
    @Test func jitteredRunsAreDeterministicAndSaySoInTheRegistration() async throws {
        let f = try await CompositeRunTests.makeFixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        let one = try runs.makeRun(f, out: "one", jobs: 1) { $0.lsj = LargeScaleJitter() }
        let two = try runs.makeRun(f, out: "two", jobs: 2) { $0.lsj = LargeScaleJitter() }
        let s1 = try one.run(), s2 = try two.run()
        for name in ["annotations/train.json", "train/000000000004.jpg"] {
            #expect(try Data(contentsOf: f.root.appendingPathComponent("one/" + name)) == Data(contentsOf: f.root.appendingPathComponent("two/" + name)))
        }
        #expect(s1.registration?.trainingNote?.contains("WITHOUT further LSJ") == true)
        #expect(s2.registration?.detectron2.hasPrefix("# Each image is already one large-scale-jitter sample") == true)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: f.root.appendingPathComponent("one/manifest.json"))) as? [String: Any]
        let images = try #require(manifest?["images"] as? [[String: Any]])
        #expect(images.allSatisfy { ($0["lsj"] as? [String: Any])?["crop"] != nil })
        _ = try runs.checkDataset(one, format: "lvis")
    }

    /// `variants`: image i is variant i mod N of background ⌊i / N⌋, drawn from its own (seed, i)
    /// stream, so variants of one background differ; the manifest says which is which.
    @Test func variantsAreSeededPerImageAndRecorded() async throws {
        let f = try await CompositeRunTests.makeFixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        let run = try runs.makeRun(f, out: "variants", images: 6) { $0.variants = 3 }
        #expect((0..<6).map { run.backgroundAndVariant(of: $0).background } == [0, 0, 0, 1, 1, 1])
        let plans = try (0..<3).map { try run.compose($0).plan }
        #expect(Set(plans).count == 3)
        let (background, plan, _) = try run.compose(4)
        #expect(background.provenance["image_id"] == "2")
        // The same draws a one-variant run makes for image index 4 on that background's size.
        let single = try runs.makeRun(f, out: "single", images: 6)
        let (other, otherPlan, _) = try single.compose(4)
        #expect(other.provenance["image_id"] == "2" && otherPlan == plan)
        _ = try run.run()
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: f.root.appendingPathComponent("variants/manifest.json"))) as? [String: Any]
        let images = try #require(manifest?["images"] as? [[String: Any]])
        #expect(images.map { $0["background_index"] as? Int } == [0, 0, 0, 1, 1, 1])
        #expect(images.map { $0["variant"] as? Int } == [0, 1, 2, 0, 1, 2])
    }
}
