import Foundation
import Testing
@testable import XPasteBank

/// The pool and export-manifest readers on their own (what `fuzz/targets/pool_manifest.swift`
/// drives): values for good files, `bank.invalid_import` with a JSON path for bad ones.
@Suite struct PoolFileTests {
    let folder = URL(fileURLWithPath: "/data/pool")

    @Test func poolEntriesResolveInCategoryOrder() throws {
        let json = #"{"10": ["b.png"], "0": ["a.png", "*as/is.png", "img.jpg|masks/img.png", "/abs/e.png"]}"#
        let pool = try PoolFile(Data(json.utf8), path: "pool.json", folder: folder)
        #expect(pool.entries == [
            .init(categoryId: 1, path: "/data/pool/a.png", asIs: false, mask: nil),
            .init(categoryId: 1, path: "/data/pool/as/is.png", asIs: true, mask: nil),
            .init(categoryId: 1, path: "/data/pool/img.jpg", asIs: false, mask: "/data/pool/masks/img.png"),
            .init(categoryId: 1, path: "/abs/e.png", asIs: false, mask: nil),
            .init(categoryId: 11, path: "/data/pool/b.png", asIs: false, mask: nil),
        ])
    }

    @Test func malformedPoolsNameThePlace() {
        for (json, message) in [
            (#"{"0": ["a.png", 3]}"#, "at $.0[1]: expected a string"),
            (#"{"-1": ["a.png"]}"#, #"pool key "-1" is not a 0-based LVIS category index"#),
            (#"["a.png"]"#, "is not an X-Paste pool"),
        ] {
            #expect(throws: BankError.self) { try PoolFile(Data(json.utf8), path: "pool.json", folder: folder) }
            do { _ = try PoolFile(Data(json.utf8), path: "pool.json", folder: folder) } catch {
                #expect(error.code == "bank.invalid_import" && error.description.contains(message), "\(error)")
            }
        }
    }

    @Test func exportManifestReadsCategoriesAndNumberedRecords() throws {
        let categories = #"[{"id": 3, "name": "aerosol_can", "synonyms": [], "folder": "aerosol_can"}]"#
        let record = #"{"file": "aerosol_can/1.png", "id": 1, "category_id": 3, "category": "aerosol_can", "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "width": 10, "height": 12, "segmenter": "u2net", "status": "accepted"}"#
        let manifest = try ExportManifest(
            categories: Data(categories.utf8), categoriesPath: "categories.json", records: Data(("\n" + record + "\n").utf8), recordsPath: "instances.jsonl")
        #expect(manifest.categories.map(\.name) == ["aerosol_can"])
        #expect(manifest.records.map(\.line) == [2])
        #expect(manifest.records.first?.record.sha256.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        do {
            _ = try ExportManifest(categories: nil, categoriesPath: "", records: Data((record + "\n{\"file\": 1}").utf8), recordsPath: "instances.jsonl")
            Issue.record("a malformed record was accepted")
        } catch {
            #expect(error.description.contains("instances.jsonl line 2: at $.file: expected"), "\(error)")
        }
    }
}
