import Foundation
import Testing
@testable import XPasteLVIS

@Suite struct LVISValidatorTests {
    typealias Code = LVISViolation.Code

    /// Violations of `dataset`, as (code, path) pairs, leaving out the RLE warning the fixture always has.
    private func found(_ dataset: LVISDataset, _ options: LVISValidator.Options = .init()) -> [String] {
        LVISValidator(options: options).validate(dataset).violations
            .filter { !($0.code == .annotationRLENotPolygon && $0.path == "$.annotations[5].segmentation") }
            .map { "\($0.severity.rawValue) \($0.code.rawValue) \($0.path)" }
    }

    private func mutated(_ change: (inout LVISDataset) -> Void) -> LVISDataset {
        var d = LVISFixtures.smallDataset()
        change(&d)
        return d
    }

    @Test func theFixtureIsValid() {
        let report = LVISValidator().validate(LVISFixtures.smallDataset())
        #expect(report.isValid)
        #expect(report.violations.map(\.code) == [.annotationRLENotPolygon])
        #expect(report.imageCount == 3 && report.annotationCount == 6 && report.categoryCount == 5)
        #expect(!LVISValidator(options: .init(requirePolygons: true)).validate(LVISFixtures.smallDataset()).isValid)
    }

    @Test func imageRules() {
        // Image 2 is gone, so its annotations now point nowhere.
        #expect(found(mutated { $0.images[1].id = 1 }) == [
            "error image.duplicate_id $.images[1].id", "error annotation.unknown_image $.annotations[2].image_id",
            "error annotation.unknown_image $.annotations[4].image_id",
        ])
        #expect(found(mutated { $0.images[0].width = 0 }).first == "error image.invalid_size $.images[0]")
        #expect(found(mutated { $0.images[0].cocoURL = nil }) == ["error image.missing_coco_url $.images[0]"])
        #expect(found(mutated { $0.images[0].cocoURL = "train2017/000000000001.jpg" })
            == ["error image.coco_url_layout $.images[0].coco_url"])
        #expect(found(mutated { $0.images[0].cocoURL = "http://images.cocodataset.org/000000000001.jpg" })
            == ["error image.coco_url_layout $.images[0].coco_url"])
        #expect(found(mutated { $0.images[0].cocoURL = "https://cdn.example.org/train2017/000000000001.jpg" })
            == ["warning image.coco_url_host $.images[0].coco_url"])
        #expect(found(mutated { $0.images[0].fileName = "000000000001.jpg" }).isEmpty)
        #expect(found(mutated { $0.images[0].fileName = "other.jpg" }) == ["warning image.file_name_mismatch $.images[0].file_name"])
        #expect(found(mutated { $0.images[0].fileName = nil }) == ["warning image.missing_file_name $.images[0]"])
        #expect(found(mutated { $0.images[2].negCategoryIDs = nil }) == ["error image.missing_neg_category_ids $.images[2]"])
        #expect(found(mutated { $0.images[2].notExhaustiveCategoryIDs = nil })
            == ["error image.missing_not_exhaustive_category_ids $.images[2]"])
        #expect(found(mutated { $0.images[0].negCategoryIDs = [5, 99] })
            == ["error image.unknown_listed_category $.images[0].neg_category_ids[1]"])
        #expect(found(mutated { $0.images[1].negCategoryIDs = [5, 5] })
            == ["error image.duplicate_listed_category $.images[1].neg_category_ids[1]"])
        #expect(found(mutated { $0.images[0].notExhaustiveCategoryIDs = [2, 5] })
            == ["error image.neg_not_exhaustive_overlap $.images[0]"])
    }

    @Test func cocoProfileChecksCOCOConventions() {
        let coco = LVISValidator.Options(profile: .coco)
        var d = mutated { $0.images[2].negCategoryIDs = nil; $0.images[0].cocoURL = nil }
        for i in d.categories.indices { d.categories[i].frequency = nil; d.categories[i].synset = nil }
        #expect(found(d, coco).isEmpty)
        d.images[1].fileName = nil
        #expect(found(d, coco) == ["error image.missing_file_name $.images[1]"])
    }

    @Test func annotationRules() {
        #expect(found(mutated { $0.annotations[1].id = 1 }) == ["error annotation.duplicate_id $.annotations[1].id"])
        #expect(found(mutated { $0.annotations[0].id = 0 }) == ["error annotation.id_not_positive $.annotations[0].id"])
        #expect(found(mutated { $0.annotations[0].imageID = 42 }) == ["error annotation.unknown_image $.annotations[0].image_id"])
        #expect(found(mutated { $0.annotations[0].categoryID = 42 })
            == ["error annotation.unknown_category $.annotations[0].category_id"])
        #expect(found(mutated { $0.annotations[0].categoryID = 5 })
            == ["error annotation.category_in_neg_list $.annotations[0].category_id"])
        #expect(found(mutated { $0.annotations[0].area = 0 }) == ["error annotation.area_not_positive $.annotations[0].area"])
        #expect(found(mutated { $0.annotations[0].bbox.height = 0.99 }) == ["error annotation.bbox_too_small $.annotations[0].bbox"])
        #expect(found(mutated { $0.annotations[0].bbox.x = 640 }) == ["error annotation.bbox_outside_image $.annotations[0].bbox"])
        #expect(found(mutated { $0.annotations[0].bbox.x = 630 }) == ["warning annotation.bbox_exceeds_image $.annotations[0].bbox"])
        #expect(found(mutated { $0.annotations[0].bbox.y = -1 }) == ["warning annotation.bbox_exceeds_image $.annotations[0].bbox"])
        #expect(found(mutated { $0.annotations[0].area = .infinity }) == ["error annotation.non_finite $.annotations[0]"])
        #expect(found(mutated { $0.annotations[0].segmentation = .polygons([]) })
            == ["error annotation.segmentation_empty $.annotations[0].segmentation"])
        #expect(found(mutated { $0.annotations[4].segmentation = .polygons([[1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6, 7]]) })
            == ["error annotation.polygon_odd_length $.annotations[4].segmentation[1]"])
        #expect(found(mutated { $0.annotations[4].segmentation = .polygons([[1, 2, 3, 4]]) })
            == ["error annotation.polygon_too_short $.annotations[4].segmentation[0]"])
        #expect(found(mutated { $0.annotations[0].isCrowd = 2 }) == ["error annotation.iscrowd_invalid $.annotations[0].iscrowd"])
        #expect(found(mutated { $0.annotations[0].isCrowd = 0 }).isEmpty)
    }

    @Test func rleRules() {
        #expect(found(mutated { $0.annotations[5].segmentation = .rle(LVISRLE(height: 3, width: 4, counts: .uncompressed([12]))) })
            == ["error annotation.rle_size_mismatch $.annotations[5].segmentation.size"])
        #expect(found(mutated { $0.annotations[5].segmentation = .rle(LVISRLE(height: 4, width: 3, counts: .uncompressed([2, 3]))) })
            == ["error annotation.rle_counts_invalid $.annotations[5].segmentation.counts"])
        #expect(found(mutated { $0.annotations[5].segmentation = .rle(LVISRLE(height: 4, width: 3, counts: .compressed("237"))) }).isEmpty)
        #expect(found(mutated { $0.annotations[5].segmentation = .rle(LVISRLE(height: 4, width: 3, counts: .compressed("23o"))) })
            == ["error annotation.rle_counts_invalid $.annotations[5].segmentation.counts"])
        #expect(found(mutated { $0.annotations[5].segmentation = .rle(LVISRLE(height: 4, width: 3, counts: .compressed("O"))) })
            == ["error annotation.rle_counts_invalid $.annotations[5].segmentation.counts"])
        let strict = LVISValidator(options: .init(requirePolygons: true)).validate(LVISFixtures.smallDataset())
        #expect(strict.errors.map(\.code) == [.annotationRLENotPolygon])
    }

    @Test func categoryRules() {
        #expect(found(mutated { $0.categories[1].id = 1 }).prefix(1) == ["error category.duplicate_id $.categories[1].id"])
        #expect(found(mutated { $0.categories.append(LVISFixtures.category(0, "zero")) }).prefix(1)
            == ["error category.id_not_positive $.categories[5].id"])
        #expect(found(mutated { $0.categories.append(LVISFixtures.category(6, "")) }) == ["error category.empty_name $.categories[5].name"])
        #expect(found(mutated { $0.categories.append(LVISFixtures.category(6, "cat_1")) })
            == ["warning category.duplicate_name $.categories[5].name"])
        #expect(found(mutated { $0.categories[0].frequency = nil }) == ["error category.missing_frequency $.categories[0]"])
        #expect(found(mutated { $0.categories[0].definition = nil; $0.categories[0].synset = nil })
            == ["warning category.missing_metadata $.categories[0]"])
        #expect(found(mutated { $0.categories.append(LVISFixtures.category(9, "nine")) })
            == ["warning category.ids_not_contiguous $.categories"])
        let none = found(mutated { $0.categories = []; $0.annotations = []; $0.images = [] })
        #expect(none == ["error dataset.no_categories $.categories"])
    }

    @Test func everyViolationIsReportedWithCountsAndACap() {
        var d = LVISFixtures.smallDataset()
        for i in d.annotations.indices { d.annotations[i].area = -1 }
        let full = LVISValidator().validate(d)
        #expect(full.countsByCode[.annotationAreaNotPositive] == 6)
        #expect(full.errorCount == 6 && full.warningCount == 1)
        let capped = LVISValidator(options: .init(maxReportedViolations: 2)).validate(d)
        #expect(capped.violations.count == 2 && capped.errorCount == 6 && capped.isTruncated)
        #expect(capped.violations(.annotationAreaNotPositive).map(\.path) == ["$.annotations[0].area", "$.annotations[1].area"])
    }

    @Test func fileValidationMatchesInMemoryValidation() throws {
        let dir = try LVISFixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("bad.json")
        var d = LVISFixtures.smallDataset()
        d.annotations[0].categoryID = 42
        d.annotations[2].imageID = 77
        d.annotations[3].id = 1
        d.images[1].negCategoryIDs = [9]
        d.categories[2].frequency = nil
        try d.jsonData().write(to: url)
        let fromFile = try LVISValidator().validate(fileAt: url, chunkSize: 32)
        let inMemory = LVISValidator().validate(d)
        #expect(fromFile.errorCount == 5)
        #expect(Set(fromFile.violations) == Set(inMemory.violations))
        #expect(fromFile.countsByCode == inMemory.countsByCode)
    }

    @Test func fileValidationResolvesAnnotationsBeforeImages() throws {
        // The official train file lists annotations before images and categories last.
        let text = """
        {"annotations": [{"id": 1, "image_id": 5, "category_id": 2, "area": 4, "bbox": [0, 0, 2, 2], "segmentation": [[0,0,2,0,0,2]]}],
         "images": [{"id": 5, "width": 4, "height": 4, "coco_url": "http://images.cocodataset.org/val2017/5.jpg",
                     "file_name": "5.jpg", "neg_category_ids": [], "not_exhaustive_category_ids": []}],
         "categories": [{"id": 1, "name": "a", "synset": "a.n.01", "synonyms": ["a"], "def": "", "frequency": "r", "image_count": 1, "instance_count": 1},
                        {"id": 2, "name": "b", "synset": "b.n.01", "synonyms": ["b"], "def": "", "frequency": "f", "image_count": 1, "instance_count": 1}]}
        """
        let dir = try LVISFixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("order.json")
        try Data(text.utf8).write(to: url)
        let report = try LVISValidator().validate(fileAt: url)
        #expect(report.isValid && report.violations.isEmpty)
        #expect(report.annotationCount == 1 && report.imageCount == 1 && report.categoryCount == 2)
    }

    @Test func missingSectionsAndMalformedFilesAreReported() throws {
        let dir = try LVISFixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("x.json")
        try Data(#"{"images": [], "categories": [{"id": 1, "name": "a", "frequency": "r", "synset": "s", "synonyms": [], "def": "", "image_count": 0, "instance_count": 0}]}"#.utf8).write(to: url)
        let missing = try LVISValidator().validate(fileAt: url)
        #expect(missing.violations.map(\.code) == [.missingSection])
        #expect(missing.violations.first?.message.contains("annotations") == true)

        try Data(#"{"images": [{"id": 1, "width": 2, "height": }]}"#.utf8).write(to: url)
        let malformed = try LVISValidator().validate(fileAt: url)
        #expect(malformed.violations.map(\.code) == [.malformed])
        #expect(malformed.violations.first?.path == "$.images[0].height")
        #expect(!malformed.isValid)
        #expect(throws: LVISError.self) { try LVISValidator().validate(fileAt: dir.appendingPathComponent("none.json")) }
    }

    @Test func codesAreUniqueAndDotted() {
        let raw = LVISViolation.Code.allCases.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        #expect(raw.allSatisfy { $0.split(separator: ".").count == 2 && $0 == $0.lowercased() })
    }
}
