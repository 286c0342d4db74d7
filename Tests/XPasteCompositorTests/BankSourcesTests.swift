import Foundation
import Logging
import Testing
import XPasteBank
import XPasteImage
import XPasteLVIS
import XPasteTestSupport
@testable import XPasteCompositor

/// The bank as a cutout and background source, on a real SQLite bank holding cutouts made from
/// the shared photos.
@Suite struct BankSourcesTests {
    final class Fixture {
        let directory: URL
        let bank: SQLiteBank
        var cutouts: [Int64: Image] = [:]
        var backgroundSources: [Int64] = []

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-bank-compositor-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var logger = Logger(label: "test.bank")
            logger.logLevel = .error
            bank = try SQLiteBank(url: directory.appendingPathComponent("bank.sqlite"), logger: logger)
            let lvis = try LVISReader(url: SharedData.directory.appendingPathComponent("lvis_v1_categories.json")).readCategories()
            try bank.upsertCategories(lvis.filter { [225, 344, 569].contains($0.id) }.map { BankCategory(lvis: $0) })
            let user = try bank.userCategory(named: "toy robot")
            let made: [(Int64, Image, Double, InstanceStatus)] = [
                (569, try RealCutouts.horse(texture: "coffee.png"), 30, .accepted),
                (569, try RealCutouts.horse(texture: "astronaut.png"), 18, .accepted),
                (344, try RealCutouts.ellipse("coffee.png", x: 160, y: 40, width: 240, height: 220), 27, .accepted),
                (225, try RealCutouts.ellipse("chelsea.png", x: 100, y: 20, width: 200, height: 250), 25, .rejected),
                (user.id, try RealCutouts.ellipse("astronaut.png", x: 150, y: 20, width: 200, height: 200), 24, .accepted),
            ]
            for (k, (category, image, score, status)) in made.enumerated() {
                let png = try ImageCodec.encodePNG(image)
                let source = try bank.addSource(NewSource(kind: .uploaded, bytes: Data(png), width: image.width, height: image.height,
                                                          categoryId: category)).id
                let id = try bank.addInstances([NewInstance(sourceId: source, categoryId: category, segmenter: "test",
                                                            cutout: PNGBlob(Data(png)), areaRatio: 0.1 + 0.1 * Double(k),
                                                            clipScore: score, status: status, decidedBy: .filter)])[0].id
                cutouts[id] = image
            }
            for name in ["gravel.png", "brick.png"] {
                let photo = try RealCutouts.photo(name)
                let jpeg = try ImageCodec.encodeJPEG(photo, quality: 90)
                backgroundSources.append(try bank.addSource(NewSource(kind: .background, bytes: Data(jpeg), width: photo.width,
                                                                      height: photo.height, status: .extracted)).id)
            }
        }

        deinit {
            try? bank.close()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test func catalogHoldsAcceptedInstancesPassingTheFilters() throws {
        let f = try Fixture()
        let all = try BankCutoutSource(bank: f.bank).catalog()
        #expect(all.instanceCount == 4)  // the rejected cat is not drawable
        #expect(Set(all.categories.values.map(\.name)) == ["horse", "cup", "toy robot"])
        #expect(all.categories[569]?.lvisID == 569)
        #expect(all.categories.values.first { $0.name == "toy robot" }?.lvisID == nil)
        let scored = try BankCutoutSource(bank: f.bank, filter: .init(minClipScore: 25)).catalog()
        #expect(scored.instanceCount == 2)
        let horses = try BankCutoutSource(bank: f.bank, filter: .init(categoryIDs: [569], areaRatio: 0.15...1)).catalog()
        #expect(horses.instanceCount == 1)
    }

    @Test func cutoutsDecodeToTheStoredPixels() throws {
        let f = try Fixture()
        let source = BankCutoutSource(bank: f.bank)
        for (id, image) in f.cutouts { #expect(try source.cutout(id: id) == image) }
        #expect(throws: CompositorError.self) { try source.cutout(id: 999) }
    }

    @Test func snapshotDigestChangesWithTheDrawablePool() throws {
        let f = try Fixture()
        let source = BankCutoutSource(bank: f.bank)
        let before = try source.snapshot()
        #expect(before["drawable_instances"] == "4" && before["kind"] == "bank")
        #expect(try source.snapshot() == before)
        _ = try f.bank.setStatus(.rejected, decidedBy: .person, for: .ids([f.cutouts.keys.min()!]))
        let after = try source.snapshot()
        #expect(after["drawable_instances"] == "3")
        #expect(after["drawable_digest"] != before["drawable_digest"])
    }

    @Test func bankBackgroundsAreTheBackgroundSources() throws {
        let f = try Fixture()
        let backgrounds = try BankBackgrounds(bank: f.bank)
        #expect(backgrounds.sourceIDs == f.backgroundSources)
        let loaded = try backgrounds.load(1, maxSide: 256)
        #expect(max(loaded.image.width, loaded.image.height) == 256 && loaded.image.format == .rgb8)
        #expect(loaded.provenance["bank_source_id"] == String(f.backgroundSources[1]))
        #expect(loaded.objects.isEmpty && loaded.labels == .unlabelled)
    }

    /// A user category used to keep its bank id (1,000,000 up), which no loader's class list
    /// reaches; it now gets the next id after LVIS's 1203, keeping ids dense.
    @Test func userCategoriesGetTheNextFreeIdInLVISOutput() throws {
        let f = try Fixture()
        let catalog = try BankCutoutSource(bank: f.bank).catalog()
        let lvis = try LVISReader(url: SharedData.directory.appendingPathComponent("lvis_v1_categories.json")).readCategories()
        let vocabulary = try OutputVocabulary.make(format: .lvis, backgroundCategories: nil, lvisCategories: lvis, catalog: catalog)
        #expect(vocabulary.categories.count == 1204)
        let robot = try #require(catalog.categories.values.first { $0.name == "toy robot" })
        #expect(vocabulary.outputID(for: robot) == 1204)
        #expect(vocabulary.categories.last?.id == 1204 && vocabulary.categories.last?.name == "toy robot")
        #expect(vocabulary.outputID(for: catalog.categories[569]!) == 569)
    }
}
