import Foundation
import XPasteTestSupport
@testable import XPasteLVIS

/// Builders for LVIS data used across the tests.
enum LVISFixtures {
    /// A category with complete LVIS metadata.
    static func category(_ id: Int, _ name: String, _ frequency: LVISFrequency = .common) -> LVISCategory {
        LVISCategory(
            id: id, name: name, synset: "\(name).n.01", synonyms: [name], definition: "a \(name)",
            frequency: frequency, imageCount: 10, instanceCount: 20
        )
    }

    /// Categories 1…n named `cat_<id>`.
    static func categories(_ n: Int) -> [LVISCategory] {
        (1...n).map { category($0, "cat_\($0)", [.rare, .common, .frequent][$0 % 3]) }
    }

    /// A valid LVIS image in `train2017`.
    static func image(_ id: Int, width: Int = 640, height: Int = 480, neg: [Int] = [], notExhaustive: [Int] = []) -> LVISImage {
        .lvis(id: id, width: width, height: height, split: "train2017", file: String(format: "%012d.jpg", id),
              negCategoryIDs: neg, notExhaustiveCategoryIDs: notExhaustive)
    }

    /// A valid annotation: a triangle inside the box (x, y, w, h).
    static func annotation(_ id: Int, image: Int, category: Int, x: Double = 10, y: Double = 20, w: Double = 30, h: Double = 40) -> LVISAnnotation {
        LVISAnnotation(
            id: id, imageID: image, categoryID: category,
            segmentation: .polygons([[x, y, x + w, y, x, y + h]]), area: w * h / 2,
            bbox: LVISBox(x: x, y: y, width: w, height: h)
        )
    }

    /// A small valid dataset: 3 images, 6 annotations (one with two rings, one RLE), 5 categories.
    static func smallDataset() -> LVISDataset {
        var annotations = [
            annotation(1, image: 1, category: 1),
            annotation(2, image: 1, category: 2, x: 100.5, y: 50.25, w: 12.75, h: 33.125),
            annotation(3, image: 2, category: 3),
            annotation(4, image: 3, category: 1, x: 0, y: 0, w: 1, h: 1),
        ]
        annotations.append(LVISAnnotation(
            id: 5, imageID: 2, categoryID: 4,
            segmentation: .polygons([[1, 1, 5, 1, 5, 5, 1, 5], [10.5, 10.5, 20.5, 10.5, 15.5, 18.25]]),
            area: 16 + 39.375, bbox: LVISBox(x: 1, y: 1, width: 19.5, height: 17.25)
        ))
        annotations.append(LVISAnnotation(
            id: 6, imageID: 3, categoryID: 5,
            segmentation: .rle(LVISRLE(height: 4, width: 3, counts: .uncompressed([2, 3, 7]))),
            area: 3, bbox: LVISBox(x: 0, y: 0, width: 2, height: 4)
        ))
        return LVISDataset(
            info: LVISInfo(description: "xpaste test", url: "https://example.org", version: "1.0", year: 2026,
                           contributor: "xpaste", dateCreated: "2026-01-01"),
            licenses: [LVISLicense(id: 1, name: "CC BY 4.0", url: "https://creativecommons.org/licenses/by/4.0/")],
            images: [image(1, neg: [5], notExhaustive: [2]), image(2, width: 320, height: 240), image(3, width: 3, height: 4)],
            annotations: annotations,
            categories: categories(5)
        )
    }

    /// A fresh empty directory under the system temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-lvis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension String {
    /// The UTF-8 bytes, for the in-memory reader.
    var bytes: [UInt8] { Array(utf8) }
}
