import Foundation
import Testing
import XPasteTestSupport
@testable import XPasteLVIS

@Suite struct LVISReaderTests {
    @Test func roundTripsThroughJSONText() throws {
        let dataset = LVISFixtures.smallDataset()
        let data = try dataset.jsonData()
        let back = try LVISDataset(jsonBytes: data)
        #expect(back == dataset)
    }

    @Test func streamingDecodeMatchesFoundationCodable() throws {
        let dataset = LVISFixtures.smallDataset()
        let ours = try dataset.jsonData()
        let viaFoundation = try JSONDecoder().decode(LVISDataset.self, from: ours)
        #expect(viaFoundation == dataset)
        // And the other way: what JSONEncoder writes, the streaming reader reads.
        let encoded = try JSONEncoder().encode(dataset)
        #expect(try LVISDataset(jsonBytes: encoded) == dataset)
    }

    @Test func codableOmitsAbsentOptionalsInsteadOfWritingNull() throws {
        let image = LVISImage(id: 3, width: 4, height: 5)
        let text = String(decoding: try JSONEncoder().encode(image), as: UTF8.self)
        #expect(!text.contains("null"))
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(Set(object?.keys.map { $0 } ?? []) == ["id", "width", "height"])
        let category = LVISCategory(id: 1, name: "person", supercategory: "person")
        let catText = String(decoding: try JSONEncoder().encode(category), as: UTF8.self)
        #expect(!catText.contains("null") && catText.contains("\"supercategory\""))
    }

    @Test func ourOutputUsesTheLoaderKeys() throws {
        let text = String(decoding: try LVISFixtures.smallDataset().jsonData(), as: UTF8.self)
        for key in ["\"coco_url\":", "\"file_name\":", "\"neg_category_ids\":", "\"not_exhaustive_category_ids\":",
                    "\"image_id\":", "\"category_id\":", "\"segmentation\":", "\"bbox\":", "\"def\":",
                    "\"image_count\":", "\"instance_count\":", "\"synset\":", "\"frequency\":\"c\"", "\"date_created\":"] {
            #expect(text.contains(key), "\(key)")
        }
        #expect(!text.contains("null"))
        // Integral doubles are written compactly; ids are JSON integers.
        #expect(text.contains("\"bbox\":[10,20,30,40]"))
        #expect(text.contains("\"bbox\":[100.5,50.25,12.75,33.125]"))
    }

    @Test func tinyChunksGiveTheSameResult() throws {
        let dir = try LVISFixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("d.json")
        let dataset = LVISFixtures.smallDataset()
        try dataset.jsonData().write(to: url)
        for chunk in [1, 2, 3, 17, 64, 1 << 20] {
            var collector = Collect()
            let summary = try LVISReader(url: url, chunkSize: chunk).read(into: &collector)
            #expect(collector.images == dataset.images, "chunk \(chunk)")
            #expect(collector.annotations == dataset.annotations, "chunk \(chunk)")
            #expect(collector.categories == dataset.categories, "chunk \(chunk)")
            #expect(summary.byteCount == Int64(try Data(contentsOf: url).count))
        }
    }

    @Test func skippedSectionsAreCountedNotDecoded() throws {
        let data = try LVISFixtures.smallDataset().jsonData()
        var collector = Collect()
        let summary = try LVISReader(bytes: data).read(sections: [.categories], into: &collector)
        #expect(collector.images.isEmpty && collector.annotations.isEmpty)
        #expect(collector.categories.count == 5)
        #expect(summary.imageCount == 3 && summary.annotationCount == 6 && summary.categoryCount == 5)
        #expect(summary.sectionOrder == ["info", "licenses", "images", "annotations", "categories"])
        #expect(summary.sectionsPresent == .all)
    }

    @Test func readsOfficialLayoutWithUnknownKeysAndNulls() throws {
        // LVIS train order (annotations first), COCO extras and nulls for optional members.
        let text = """
        {"info": {"year": "2020", "version": 1.0, "description": null},
         "annotations": [{"area": 12.5, "id": 7, "segmentation": [[1,2,3,4,5,6]], "image_id": 9,
                          "bbox": [1, 2, 4, 4], "category_id": 3, "extra": {"nested": [1, {"a": "b"}]}, "iscrowd": false}],
         "images": [{"date_captured": "2013-11-14 16:28:13", "neg_category_ids": [], "id": 9, "license": null,
                     "height": 480, "width": 640, "flickr_url": "http://farm.example/x.jpg",
                     "coco_url": "http://images.cocodataset.org/train2017/000000000009.jpg",
                     "not_exhaustive_category_ids": [3]}],
         "licenses": [{"url": "http://x", "id": 1, "name": "n"}],
         "categories": [{"supercategory": "animal", "id": 3, "name": "zebra"}],
         "x_custom": [1, 2, 3]}
        """
        let d = try LVISDataset(jsonBytes: text.bytes)
        #expect(d.info.year == 2020 && d.info.version == "1" && d.info.description == nil)
        #expect(d.annotations == [LVISAnnotation(id: 7, imageID: 9, categoryID: 3, segmentation: .polygons([[1, 2, 3, 4, 5, 6]]),
                                                 area: 12.5, bbox: LVISBox(x: 1, y: 2, width: 4, height: 4), isCrowd: 0)])
        #expect(d.images.first?.license == nil && d.images.first?.notExhaustiveCategoryIDs == [3])
        #expect(d.images.first?.fileName == nil && d.images.first?.dateCaptured == "2013-11-14 16:28:13")
        #expect(d.categories == [LVISCategory(id: 3, name: "zebra", supercategory: "animal")])
    }

    @Test func compressedAndUncompressedRLEBothRead() throws {
        let text = #"{"annotations": [{"id": 1, "image_id": 1, "category_id": 1, "area": 3, "bbox": [0,0,1,3], "segmentation": {"size": [4, 3], "counts": "52\\0"}}, {"id": 2, "image_id": 1, "category_id": 1, "area": 3, "bbox": [0,0,1,3], "segmentation": {"counts": [0, 3, 9], "size": [4, 3]}}]}"#
        let d = try LVISDataset(jsonBytes: text.bytes)
        #expect(d.annotations[0].segmentation == .rle(LVISRLE(height: 4, width: 3, counts: .compressed("52\\0"))))
        #expect(d.annotations[1].segmentation == .rle(LVISRLE(height: 4, width: 3, counts: .uncompressed([0, 3, 9]))))
    }

    @Test(arguments: [
        (#"{"annotations": [{"id": 1, "image_id": 1, "category_id": 1, "area": 1, "segmentation": [[1,2,3,4,5,6]], "bbox": [1, 2, 3]}]}"#,
         "$.annotations[0].bbox", "exactly 4"),
        (#"{"annotations": [{"id": 1, "image_id": 1, "category_id": 1, "area": 1, "segmentation": [[1,2,3,4,5,6]], "bbox": [1,2,3,4]}, {"id": 2, "image_id": 1, "category_id": 1, "area": 1, "segmentation": [[1,2,3,4,5,6]], "bbox": [1, 2, "3", 4]}]}"#,
         "$.annotations[1].bbox[2]", "expected a number"),
        (#"{"images": [{"id": 1, "width": 2, "height": 3}, {"id": 2, "width": 2}]}"#,
         "$.images[1]", "missing required key \"height\""),
        (#"{"categories": [{"id": 1, "name": "a", "frequency": "x"}]}"#,
         "$.categories[0].frequency", "frequency must be"),
        (#"{"annotations": [{"id": 1, "segmentation": [[1, 2, 3], [4, true]]}]}"#,
         "$.annotations[0].segmentation[1][1]", "expected a number"),
        (#"{"annotations": [{"id": 1, "segmentation": {"size": [4], "counts": "x"}}]}"#,
         "$.annotations[0].segmentation.size", "size must be"),
        (#"{"images": [{"id": 1.5}]}"#, "$.images[0].id", "expected an integer"),
        (#"{"images": [{"id": 1,}]}"#, "$.images[0]", "expected a key"),
        (#"{"info": {}, "images": [] "annotations": []}"#, "$", "expected ','"),
        (#"[1, 2]"#, "$", "JSON object"),
        (#"{"images": []} trailing"#, "$", "unexpected data"),
        (#"{"weird key": [1, }"#, #"$["weird key"]"#, "expected a value"),
    ])
    func malformedInputNamesThePath(text: String, path: String, message: String) throws {
        do {
            _ = try LVISDataset(jsonBytes: text.bytes)
            Issue.record("accepted malformed input")
        } catch let error as LVISError {
            guard case .malformed(let p, let offset, let m) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(p == path)
            #expect(m.contains(message), "\(m)")
            #expect(offset >= 0 && offset <= Int64(text.utf8.count))
            #expect(error.code == "lvis.malformed")
        }
    }

    @Test func malformedOffsetPointsAtTheBadByte() throws {
        let text = #"{"images": [{"id": 1, "width": 2, "height": x}]}"#
        do {
            _ = try LVISDataset(jsonBytes: text.bytes)
            Issue.record("accepted malformed input")
        } catch LVISError.malformed(let path, let offset, _) {
            #expect(path == "$.images[0].height")
            let index = text.utf8.firstIndex(of: UInt8(ascii: "x"))!
            #expect(offset == Int64(text.utf8.distance(from: text.utf8.startIndex, to: index)))
        }
    }

    @Test func visitorErrorsPassThroughUnchanged() throws {
        struct Stop: Error, Equatable {}
        struct Failing: LVISVisitor {
            mutating func visit(annotation: LVISAnnotation, index: Int) throws { if index == 2 { throw Stop() } }
        }
        var v = Failing()
        #expect(throws: Stop.self) { try LVISReader(bytes: try LVISFixtures.smallDataset().jsonData()).read(into: &v) }
    }

    @Test func missingFileIsAnIOError() {
        #expect {
            try LVISReader(url: URL(fileURLWithPath: "/nonexistent/x.json")).read(categories: { _ in })
        } throws: { ($0 as? LVISError)?.code == "lvis.io" }
    }

    @Test func readsTheSharedLVISCategoryFile() throws {
        let url = SharedData.directory.appendingPathComponent("lvis_v1_categories.json")
        let categories = try LVISReader(url: url).readCategories()
        #expect(categories.count == 1203)
        #expect(categories.first?.name == "aerosol_can" && categories.first?.frequency == .common)
        // Same values as Foundation's decoder gives.
        let viaFoundation = try JSONDecoder().decode([LVISCategory].self, from: Data(contentsOf: url))
        #expect(viaFoundation == categories)
    }
}

/// Collects everything it is given.
struct Collect: LVISVisitor {
    var images: [LVISImage] = []
    var annotations: [LVISAnnotation] = []
    var categories: [LVISCategory] = []
    mutating func visit(image: LVISImage, index: Int) { images.append(image) }
    mutating func visit(annotation: LVISAnnotation, index: Int) { annotations.append(annotation) }
    mutating func visit(category: LVISCategory, index: Int) { categories.append(category) }
}
