import Foundation
import Testing
import XPasteImage
import XPasteLVIS
import XPasteTestSupport
@testable import XPasteBank

/// Banks filled before the LVIS list was loaded can be linked to it; folder imports say what they
/// do and skip nothing silently.
@Suite struct BankVocabularyTests {
    static func lvis() throws -> LVISVocabulary {
        try LVISVocabulary(contentsOf: SharedData.directory.appendingPathComponent("lvis_v1_categories.json"))
    }

    /// A folder of cutouts imported with no vocabulary: `horse`, `galosh` (an LVIS synonym) and
    /// `gizmo` (no LVIS name).
    static func importUnlinked(_ f: BankFixture) async throws -> ImportSummary {
        let folder = f.directory.appendingPathComponent("cutouts")
        for (k, name) in ["horse", "galosh", "gizmo"].enumerated() {
            let dir = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try TestPNG.cutout(seed: k + 1).write(to: dir.appendingPathComponent("a.png"))
        }
        return try await BankImporter(bank: f.bank, logger: BankFixture.logger).importFolder(folder)
    }

    @Test func linkingMovesCategoriesToTheirLVISIdsWithTheirInstances() async throws {
        let f = try BankFixture()
        let imported = try await Self.importUnlinked(f)
        #expect(imported.imported == 3 && imported.categoriesCreated == ["galosh", "gizmo", "horse"])
        // Before: user ids, and loading LVIS on top fails on the names already used.
        #expect(try f.bank.category(named: "horse")?.id == BankCategory.userIdBase + 2)
        #expect(throws: BankError.self) { try f.bank.upsertCategories(Self.lvis().categories.map(BankCategory.init(lvis:))) }

        let summary = try await LVISCategoryLinker(vocabulary: Self.lvis()).link(f.bank)
        #expect(summary.linked.map(\.lvisID).sorted() == [17, 569])
        #expect(summary.linked.allSatisfy { $0.instances == 1 })
        #expect(summary.unmatched == ["gizmo"])
        let categories = try f.bank.categories()
        #expect(categories.count == 1204)
        let horse = try #require(try f.bank.category(id: 569))
        #expect(horse.name == "horse" && horse.frequency == .frequent && horse.synset == "horse.n.01")
        #expect(try f.bank.count(InstanceFilter.categories([569])) == 1)
        #expect(try f.bank.count(InstanceFilter.categories([17])) == 1)
        #expect(try f.bank.category(named: "gizmo")?.isUserDefined == true)
        // Linking again changes nothing.
        let again = try await LVISCategoryLinker(vocabulary: Self.lvis()).link(f.bank)
        #expect(again.linked.isEmpty)
        #expect(try f.bank.categories().count == 1204)
    }

    @Test func folderImportReadsJPEGsAndNestedFilesMapsLVISIdFoldersAndReportsSkips() async throws {
        let f = try BankFixture()
        try await f.bank.upsertCategories(Self.lvis().categories.map(BankCategory.init(lvis:)))
        let folder = f.directory.appendingPathComponent("cutouts")
        let nested = folder.appendingPathComponent("569/side views")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try TestPNG.cutout(seed: 7).write(to: folder.appendingPathComponent("569/a.png"))
        try TestPNG.rgb(width: 20, height: 10).write(to: nested.appendingPathComponent("b.png"))
        let jpeg = Data(try ImageCodec.encodeJPEG(Image(width: 16, height: 12, format: .rgb8, filledWith: [90, 120, 30]), quality: 90))
        try jpeg.write(to: nested.appendingPathComponent("c.jpg"))
        try Data("notes".utf8).write(to: nested.appendingPathComponent("notes.txt"))
        try TestPNG.cutout(seed: 8).write(to: folder.appendingPathComponent("stray.png"))

        let summary = try await BankImporter(bank: f.bank, logger: BankFixture.logger).importFolder(folder)
        #expect(summary.imported == 3 && summary.categoriesCreated.isEmpty)
        #expect(try f.bank.count(InstanceFilter.categories([569])) == 3)
        #expect(summary.withoutAlpha.map { URL(fileURLWithPath: $0).lastPathComponent }.sorted() == ["b.png", "c.jpg"])
        #expect(summary.cleanup == BankImporter.folderCleanup)
        let reasons = Dictionary(uniqueKeysWithValues: summary.skipped.map { (URL(fileURLWithPath: $0.path).lastPathComponent, $0.reason) })
        #expect(reasons["notes.txt"]?.contains("not a PNG") == true)
        #expect(reasons["stray.png"]?.contains("not inside a category folder") == true)

        // --as-is keeps a cutout untouched: a soft, disconnected alpha survives whole.
        let g = try BankFixture()
        try await g.bank.upsertCategories([BankCategory(lvis: try #require(Self.lvis().category(id: 569)))])
        let plain = g.directory.appendingPathComponent("plain/horse")
        try FileManager.default.createDirectory(at: plain, withIntermediateDirectories: true)
        var pixels = [UInt8](repeating: 200, count: 10 * 4 * 4)
        for p in 0..<40 { pixels[p * 4 + 3] = p % 3 == 0 ? 60 : 255 }
        let png = TestPNG.rgba(width: 10, height: 4, pixels: pixels)
        try png.write(to: plain.appendingPathComponent("soft.png"))
        let asIs = try await BankImporter(bank: g.bank, logger: BankFixture.logger, options: .init(asIs: true)).importFolder(plain.deletingLastPathComponent())
        #expect(asIs.imported == 1 && asIs.cleanup.hasPrefix("none"))
        let id = try #require(g.bank.browse(InstanceQuery(limit: 10)).instances.first?.id)
        #expect(try g.bank.cutout(of: id).png == png)
    }
}

extension InstanceFilter {
    /// Instances of these categories, whatever their status.
    static func categories(_ ids: [Int64]) -> InstanceFilter {
        var filter = InstanceFilter.all
        filter.categoryIds = ids
        return filter
    }
}
