import Foundation
import Testing
import XPasteTestSupport
@testable import XPasteLVIS

@Suite struct LVISVocabularyTests {
    private static let url = SharedData.directory.appendingPathComponent("lvis_v1_categories.json")

    @Test func loadsTheLVISVocabulary() throws {
        let v = try LVISVocabulary(contentsOf: Self.url)
        #expect(v.count == 1203)
        #expect(v.categories.map(\.id) == Array(1...1203))
        let groups = v.frequencyGroups
        #expect(groups[.rare]?.count == 337 && groups[.common]?.count == 461 && groups[.frequent]?.count == 405)
        #expect(v.categories(in: .rare) == groups[.rare])
        #expect(v.category(id: 3)?.name == "airplane")
        #expect(v.category(id: 0) == nil && v.category(id: 1204) == nil)
    }

    @Test func looksUpNamesAndSynonymsLoosely() throws {
        let v = try LVISVocabulary(contentsOf: Self.url)
        #expect(v.category(named: "aerosol_can")?.id == 1)
        #expect(v.category(named: "Aerosol Can")?.id == 1)
        #expect(v.category(named: "  SPRAY   can ")?.id == 1)
        #expect(v.category(named: "spray__can")?.id == 1)
        #expect(v.category(named: "aeroplane")?.id == 3)
        #expect(v.category(named: "gator")?.name == "alligator")
        #expect(v.category(named: "no such thing") == nil)
        #expect(v.category(named: "") == nil)
    }

    @Test func ownNamesWinOverOtherCategoriesSynonyms() throws {
        let v = try LVISVocabulary(categories: [
            LVISCategory(id: 2, name: "mug", synonyms: ["mug", "cup"]),
            LVISCategory(id: 1, name: "cup", synonyms: ["cup"]),
            LVISCategory(id: 3, name: "beaker", synonyms: ["beaker", "Tumbler"]),
            LVISCategory(id: 4, name: "glass", synonyms: ["glass", "tumbler"]),
        ])
        #expect(v.category(named: "cup")?.id == 1)
        #expect(v.category(named: "TUMBLER")?.id == 3)
        #expect(v.categories.map(\.id) == [1, 2, 3, 4])
    }

    @Test func duplicateIDsAreRejected() {
        #expect(throws: LVISError.self) {
            _ = try LVISVocabulary(categories: [LVISCategory(id: 1, name: "a"), LVISCategory(id: 1, name: "b")])
        }
    }

    @Test func loadsCategoriesFromAFullDatasetFileToo() throws {
        let dir = try LVISFixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("d.json")
        try LVISFixtures.smallDataset().jsonData().write(to: url)
        let v = try LVISVocabulary(contentsOf: url)
        #expect(v.count == 5 && v.category(named: "CAT 3")?.id == 3)
    }

    @Test func normalisation() {
        #expect(LVISVocabulary.normalize(" Teddy  Bear_ ") == "teddy_bear")
        #expect(LVISVocabulary.normalize("table-tennis_table") == "table-tennis_table")
    }

    @Test func frequencyFollowsTheLVISThresholds() {
        #expect(LVISFrequency(imageCount: 9) == .rare)
        #expect(LVISFrequency(imageCount: 10) == .common)
        #expect(LVISFrequency(imageCount: 99) == .common)
        #expect(LVISFrequency(imageCount: 100) == .frequent)
    }
}
