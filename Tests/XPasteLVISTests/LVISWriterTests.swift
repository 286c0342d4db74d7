import Foundation
import Testing
import XPasteTestSupport
@testable import XPasteLVIS

@Suite struct LVISWriterTests {
    private func write(_ dataset: LVISDataset, to url: URL, categoriesUpFront: Bool = false) throws -> LVISWriter.Summary {
        let writer = try LVISWriter(url: url, info: dataset.info, licenses: dataset.licenses,
                                    categories: categoriesUpFront ? dataset.categories : nil)
        // Interleaved the way a compositor emits: each image, then its annotations.
        for image in dataset.images {
            try writer.append(image)
            for a in dataset.annotations where a.imageID == image.id { try writer.append(a) }
        }
        return try writer.finish(categories: categoriesUpFront ? nil : dataset.categories)
    }

    private func hiddenFiles(in dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
    }

    @Test(arguments: [false, true])
    func writtenFileReadsBackIdentically(categoriesUpFront: Bool) throws {
        let dir = try LVISFixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("out.json")
        let dataset = LVISFixtures.smallDataset()
        let summary = try write(dataset, to: url, categoriesUpFront: categoriesUpFront)
        #expect(summary.imageCount == 3 && summary.annotationCount == 6 && summary.categoryCount == 5)
        #expect(summary.byteCount == Int64(try Data(contentsOf: url).count))
        var back = try LVISDataset(contentsOf: url)
        back.annotations.sort { $0.id < $1.id }
        #expect(back == dataset)
        #expect(try hiddenFiles(in: dir).isEmpty)
        // Foundation agrees that it is JSON of the expected shape.
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        #expect(Set(object?.keys.map { $0 } ?? []) == ["info", "licenses", "images", "annotations", "categories"])
    }

    @Test func nothingAppearsUnderTheFinalNameUntilFinish() throws {
        let dir = try LVISFixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("out.json")
        try Data("previous".utf8).write(to: url)
        let writer = try LVISWriter(url: url, categories: LVISFixtures.categories(5), options: .init(bufferSize: 4096))
        for i in 1...2000 {
            try writer.append(LVISFixtures.image(i))
            try writer.append(LVISFixtures.annotation(i, image: i, category: 1 + i % 5))
        }
        // Buffers have been flushed to the temporary files, the target is untouched.
        #expect(String(decoding: try Data(contentsOf: url), as: UTF8.self) == "previous")
        let temporaries = try hiddenFiles(in: dir)
        #expect(temporaries.count == 2 && temporaries.allSatisfy { $0.hasPrefix(".out.json.xpaste-") })
        try writer.finish()
        #expect(try LVISDataset(contentsOf: url).annotations.count == 2000)
        #expect(try hiddenFiles(in: dir).isEmpty)
    }

    @Test func cancelAndAbandonLeaveNoTrace() throws {
        let dir = try LVISFixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("out.json")
        let writer = try LVISWriter(url: url, categories: LVISFixtures.categories(2))
        try writer.append(LVISFixtures.image(1))
        writer.cancel()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
        #expect(throws: LVISError.self) { try writer.append(LVISFixtures.image(2)) }
        do {
            let abandoned = try LVISWriter(url: url, categories: LVISFixtures.categories(2))
            try abandoned.append(LVISFixtures.image(1))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func invalidElementsAreRejectedAndTheWriterGoesOn() throws {
        let dir = try LVISFixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("out.json")
        let writer = try LVISWriter(url: url, categories: LVISFixtures.categories(3))
        try writer.append(LVISFixtures.image(1))
        var thin = LVISFixtures.annotation(1, image: 1, category: 1)
        thin.bbox.width = 0.5
        #expect {
            try writer.append(thin)
        } throws: { error in
            guard case LVISError.invalid(let v) = error else { return false }
            return v.map(\.code) == [.annotationBoxTooSmall] && v[0].path == "$.annotations[0].bbox"
        }
        // The rejected id is free for the fixed annotation.
        thin.bbox.width = 2
        try writer.append(thin)
        #expect {
            try writer.append(LVISFixtures.annotation(2, image: 99, category: 1))
        } throws: { ($0 as? LVISError).map { if case .invalid(let v) = $0 { v.map(\.code) == [.annotationUnknownImage] } else { false } } ?? false }
        #expect {
            try writer.append(LVISFixtures.annotation(3, image: 1, category: 7))
        } throws: { ($0 as? LVISError).map { if case .invalid(let v) = $0 { v.map(\.code) == [.annotationUnknownCategory] } else { false } } ?? false }
        #expect {
            try writer.append(LVISFixtures.annotation(1, image: 1, category: 2))
        } throws: { ($0 as? LVISError).map { if case .invalid(let v) = $0 { v.map(\.code) == [.annotationDuplicateID] } else { false } } ?? false }
        var nan = LVISFixtures.annotation(4, image: 1, category: 2)
        nan.segmentation = .polygons([[1, 2, .nan, 4, 5, 6]])
        #expect(throws: LVISError.self) { try writer.append(nan) }
        try writer.finish()
        let back = try LVISDataset(contentsOf: url)
        #expect(back.annotations.map(\.id) == [1])
        #expect(back.annotations[0].bbox.width == 2)
    }

    @Test func finishWithIncompleteCategoriesCanBeRetried() throws {
        let dir = try LVISFixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("out.json")
        let writer = try LVISWriter(url: url)
        try writer.append(LVISFixtures.image(1, neg: [4]))
        try writer.append(LVISFixtures.annotation(1, image: 1, category: 3))
        try writer.append(LVISFixtures.annotation(2, image: 1, category: 3))
        #expect {
            try writer.finish(categories: LVISFixtures.categories(2))
        } throws: { error in
            guard case LVISError.invalid(let v) = error else { return false }
            return Set(v.map(\.code)) == [.annotationUnknownCategory, .imageUnknownListedCategory]
                && v.contains { $0.path == "$.annotations[0].category_id" && $0.message.contains("1 more") }
                && v.contains { $0.path == "$.images[0].neg_category_ids[0]" }
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        let summary = try writer.finish(categories: LVISFixtures.categories(4))
        #expect(summary.categoryCount == 4)
        #expect(try LVISDataset(contentsOf: url).categories.count == 4)
    }

    @Test func recountSetsImageAndInstanceCounts() throws {
        let dir = try LVISFixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("out.json")
        let writer = try LVISWriter(url: url, options: .init(recountCategories: true))
        for i in 1...3 { try writer.append(LVISFixtures.image(i)) }
        try writer.append(LVISFixtures.annotation(1, image: 1, category: 1))
        try writer.append(LVISFixtures.annotation(2, image: 1, category: 1))
        try writer.append(LVISFixtures.annotation(3, image: 2, category: 1))
        try writer.append(LVISFixtures.annotation(4, image: 3, category: 2))
        try writer.finish(categories: LVISFixtures.categories(3))
        let categories = try LVISDataset(contentsOf: url).categories
        #expect(categories.map(\.imageCount) == [2, 1, 0])
        #expect(categories.map(\.instanceCount) == [3, 1, 0])
        #expect(categories.map(\.frequency) == LVISFixtures.categories(3).map(\.frequency))
    }

    @Test func warningsAreCollectedNotFatal() throws {
        let dir = try LVISFixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("out.json")
        let writer = try LVISWriter(url: url, categories: [LVISFixtures.category(1, "a"), LVISFixtures.category(3, "b")])
        try writer.append(LVISImage(id: 1, width: 10, height: 10, cocoURL: "https://example.org/val/1.jpg", fileName: "1.jpg",
                                    negCategoryIDs: [], notExhaustiveCategoryIDs: []))
        let summary = try writer.finish()
        #expect(Set(summary.warnings.map(\.code)) == [.imageCocoURLHost, .categoryIDsNotContiguous])
        #expect(summary.warningCount == 2)
    }

    @Test func pythonLoadersAcceptTheWrittenFile() throws {
        let dir = try LVISFixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("lvis_xpaste_train.json")
        var dataset = LVISFixtures.smallDataset()
        // Exercise both RLE forms (the compressed text is what pycocotools encodes for these runs).
        dataset.annotations[5].segmentation = .rle(LVISRLE(height: 4, width: 3, counts: .uncompressed([2, 3, 7])))
        dataset.annotations.append(LVISAnnotation(
            id: 7, imageID: 3, categoryID: 4,
            segmentation: .rle(LVISRLE(height: 4, width: 3, counts: .compressed("525"))), area: 2,
            bbox: LVISBox(x: 1, y: 1, width: 1, height: 2)
        ))
        _ = try write(dataset, to: url)
        let out = try ReferencePython.run(script: "Tests/XPasteLVISTests/Reference/load_with_loaders.py", arguments: [url.path])
        let result = try JSONDecoder().decode(LoaderView.self, from: out)
        #expect(result.top_level_keys == ["annotations", "categories", "images", "info", "licenses"])
        #expect(result.lvis.images == 3 && result.lvis.annotations == 7 && result.lvis.categories == 5)
        #expect(result.coco.images == 3 && result.coco.annotations == 7 && result.coco.categories == 5)
        #expect(result.lvis.cat_ids == [1, 2, 3, 4, 5])
        // RLE breaks detectron2's polygon-only LVIS loader, which is why the writer warns about it.
        #expect(result.detectron2.problems == ["annotation 6: segmentation is not a non-empty polygon list",
                                               "annotation 7: segmentation is not a non-empty polygon list"])
        #expect(result.detectron2.paths["1"] == "train2017/000000000001.jpg")
        #expect(result.mmdet.dropped.isEmpty && result.mmdet.kept.count == 7)
        #expect(result.mmdet.names["2"] == "train2017/000000000002.jpg")
        // Column-major runs [2, 3, 7] on 4×3: pixels 2,3,4 in column order → (2,0), (3,0), (0,1).
        let expected = "010" + "000" + "100" + "100"
        #expect(result.masks["6"]?.lvis == expected && result.masks["6"]?.coco == expected)
        // "525" is pycocotools' compressed form of runs [5, 2, 5]: pixels 5, 6 → (1,1), (2,1).
        #expect(result.masks["7"]?.coco == "000" + "010" + "010" + "000")
        // Polygon masks rasterise to something inside their box.
        let square = try #require(result.masks["5"]?.coco)
        #expect(square.filter { $0 == "1" }.count > 30)
    }
}

/// What load_with_loaders.py prints.
struct LoaderView: Decodable {
    struct Counts: Decodable {
        var images: Int
        var annotations: Int
        var categories: Int
        var cat_ids: [Int]?
    }

    struct Detectron2: Decodable {
        var problems: [String]
        var paths: [String: String]
    }

    struct MMDet: Decodable {
        var kept: [Int]
        var dropped: [Int]
        var names: [String: String]
    }

    struct Masks: Decodable {
        var lvis: String
        var coco: String
        var encoded: String
        var height: Int
        var width: Int
    }

    var top_level_keys: [String]
    var lvis: Counts
    var coco: Counts
    var detectron2: Detectron2
    var mmdet: MMDet
    var masks: [String: Masks]
}
