import Foundation
import Testing
import XPasteImage
import XPasteTestSupport
@testable import XPasteBank

@Suite struct BankCOCOImportTests {
    private func makeCOCO(_ f: BankFixture, lvis: Bool) throws -> (file: URL, root: URL, reference: [String: [Int]]) {
        let root = f.directory.appendingPathComponent("coco")
        var args = [SharedData.directory.appendingPathComponent("images").path, root.path]
        if lvis { args.append("lvis") }
        let out = try ReferencePython.run(script: "Tests/XPasteBankTests/Reference/make_coco.py", arguments: args)
        return (root.appendingPathComponent("instances.json"), root, try JSONDecoder().decode([String: [Int]].self, from: out))
    }

    @Test func cocoAnnotationsBecomeCutoutsMatchingPycocotools() async throws {
        let f = try BankFixture()
        try f.addCategories()  // has no "cat"; "cup" is not there either
        let coco = try makeCOCO(f, lvis: false)
        let summary = try await BankImporter(bank: f.bank, logger: BankFixture.logger).importCOCO(annotations: coco.file, imageRoot: coco.root)
        #expect(summary.files == 4 && summary.imported == 3)
        #expect(summary.skipped.map(\.reason) == ["crowd annotation"])
        #expect(summary.categoriesCreated == ["cat", "cup"])

        let page = try f.bank.browse(InstanceQuery(order: InstanceOrder(.createdAt, descending: false)))
        #expect(page.instances.count == 3)
        for instance in page.instances {
            #expect(instance.segmenter == "annotation" && instance.status == .accepted && instance.decidedBy == .person)
            let annotation = try #require(instance.reason?.split(separator: " ").dropFirst().first.map(String.init))
            let want = try #require(coco.reference[annotation])
            #expect(instance.box == PixelBox(x: want[0], y: want[1], width: want[2], height: want[3]), "annotation \(annotation)")
            let source = try #require(try f.bank.source(id: instance.sourceId))
            #expect(instance.areaRatio == Double(want[4]) / Double(source.width * source.height))
            #expect(source.provenance.url?.hasPrefix("http://images.cocodataset.org/val2017/") == true)
            #expect(source.provenance.licence == "CC BY 4.0" && source.mediaType == "image/png")
            // The cutout's alpha is the mask (area pixels opaque) and its colours are the photo's.
            let cutout = try ImageCodec.decode(Array(f.bank.cutout(of: instance.id).png))
            let name = URL(string: source.provenance.url!)!.lastPathComponent
            let photo = CutoutPreparer.rgba(try ImageCodec.decode(contentsOf: SharedData.image(name).path))
            var opaque = 0
            var colourMatches = true
            for y in 0..<cutout.height {
                for x in 0..<cutout.width {
                    let o = (y * cutout.width + x) * 4
                    guard cutout.pixels[o + 3] == 255 else { continue }
                    opaque += 1
                    let p = ((instance.box!.y + y) * photo.width + instance.box!.x + x) * 4
                    if Array(cutout.pixels[o..<(o + 3)]) != Array(photo.pixels[p..<(p + 3)]) { colourMatches = false }
                }
            }
            #expect(opaque == want[4], "annotation \(annotation)")
            #expect(colourMatches)
            // Thumbnails: cutouts over 128 px get a smaller one, keeping the aspect.
            let thumbSHA = try #require(instance.thumbnailSHA256)
            let thumb = try PNGBlob(#require(try f.bank.blob(thumbSHA)))
            #expect(max(thumb.header.width, thumb.header.height) == min(128, max(instance.width, instance.height)))
        }
        // Both images recorded once each, however many annotations they had.
        #expect(try f.bank.stats().sources == 2)
        // Again: nothing new.
        let again = try await BankImporter(bank: f.bank, logger: BankFixture.logger).importCOCO(annotations: coco.file, imageRoot: coco.root)
        #expect(again.imported == 0 && again.duplicates == 3)
    }

    @Test func lvisFilesKeepTheirCategoryIds() async throws {
        let f = try BankFixture()
        let coco = try makeCOCO(f, lvis: true)
        let options = BankImporter.Options(status: .pending, includeCrowd: true)
        let summary = try await BankImporter(bank: f.bank, logger: BankFixture.logger, options: options)
            .importCOCO(annotations: coco.file, imageRoot: coco.root)
        #expect(summary.imported == 4 && summary.skipped.isEmpty)
        #expect(try f.bank.category(id: 76)?.frequency == .rare)
        #expect(try f.bank.category(id: 345)?.name == "cup")
        #expect(try f.bank.count(InstanceFilter(categoryIds: [76], statuses: [.pending])) == 2)
        #expect(try f.bank.count(InstanceFilter(categoryIds: [345])) == 2)
    }

    @Test func missingImagesAndBadFilesAreReported() async throws {
        let f = try BankFixture()
        let coco = try makeCOCO(f, lvis: false)
        try FileManager.default.removeItem(at: coco.root.appendingPathComponent("val2017/coffee.png"))
        let summary = try await BankImporter(bank: f.bank, logger: BankFixture.logger).importCOCO(annotations: coco.file, imageRoot: coco.root)
        #expect(summary.imported == 1)
        #expect(summary.skipped.filter { $0.reason.contains("not found") }.count == 2)
        let broken = f.directory.appendingPathComponent("broken.json")
        try Data("{\"images\": [".utf8).write(to: broken)
        await #expect { try await BankImporter(bank: f.bank, logger: BankFixture.logger).importCOCO(annotations: broken, imageRoot: coco.root) } throws: {
            ($0 as? BankError)?.code == "bank.invalid_import"
        }
    }

    @Test func thumbnailsKeepAspectAndSmallCutoutsAreTheirOwn() throws {
        var image = Image(width: 300, height: 150, format: .rgba8, filledWith: [10, 200, 30, 255])
        for x in 0..<300 { image.setPixel(x: x, y: 0, [0, 0, 0, 0]) }
        let big = try PNGBlob(Data(ImageCodec.encodePNG(image)))
        let thumb = try ThumbnailMaker.thumbnail(of: big)
        #expect(thumb.header.width == 128 && thumb.header.height == 64 && thumb.isRGBA8)
        let small = try PNGBlob(TestPNG.cutout(seed: 4))
        #expect(try ThumbnailMaker.thumbnail(of: small).sha256 == small.sha256)
        #expect(throws: BankError.self) { try ThumbnailMaker.thumbnail(of: big, maxSide: 0) }
    }
}
