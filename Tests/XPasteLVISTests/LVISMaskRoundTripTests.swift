import Foundation
import Testing
import XPasteImage
import XPasteTestSupport
@testable import XPasteLVIS

/// Acceptance: a dataset written by XPasteLVIS loads with `lvis.LVIS` and pycocotools `COCO`, and
/// `annToMask` of every annotation is exactly the mask we meant.
@Suite struct LVISMaskRoundTripTests {
    static let width = 48, height = 40

    /// Named test masks on a 48×40 image: solid shapes, a hole, several components, pixels on the
    /// border, a single pixel, a diagonal line and random noise.
    static func masks() throws -> [(String, BinaryMask)] {
        func mask(_ inside: (Int, Int) -> Bool) throws -> BinaryMask {
            var bits = [UInt8](repeating: 0, count: width * height)
            for y in 0..<height {
                for x in 0..<width where inside(x, y) { bits[y * width + x] = 1 }
            }
            return try BinaryMask(width: width, height: height, bits: bits)
        }
        var rng = SplitMix64(seed: 99)
        let noise = (0..<(width * height)).map { _ in Double.random(in: 0..<1, using: &rng) < 0.35 }
        return [
            ("disk", try mask { x, y in (x - 15) * (x - 15) + (y - 14) * (y - 14) <= 81 }),
            ("annulus", try mask { x, y in
                let d = (x - 30) * (x - 30) + (y - 20) * (y - 20)
                return d <= 144 && d > 25
            }),
            ("two parts", try mask { x, y in (2...9).contains(x) && (30...37).contains(y) || (x >= 40 && y <= x - 38 && y < 6) }),
            ("border", try mask { x, y in x == 0 || y == 0 || x == width - 1 }),
            ("pixel", try mask { x, y in x == 20 && y == 33 }),
            ("diagonal", try mask { x, y in x == y + 3 && y < 25 }),
            ("noise", try mask { x, y in noise[y * width + x] }),
        ]
    }

    private static func text(_ m: BinaryMask) -> String {
        String(m.bits.map { $0 != 0 ? "1" : "0" })
    }

    @Test func annToMaskGivesBackTheMasks() throws {
        let dir = try LVISFixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("masks.json")
        let writer = try LVISWriter(url: url, categories: LVISFixtures.categories(3))
        try writer.append(LVISFixtures.image(1, width: Self.width, height: Self.height))
        // Per annotation id: the mask annToMask must return.
        var expected: [Int: BinaryMask] = [:]
        var simplified: [Int: BinaryMask] = [:]
        var annotations: [Int: LVISAnnotation] = [:]
        var id = 0
        for (_, mask) in try Self.masks() {
            let formats: [LVISAnnotation.MaskFormat] = [.rle, .polygons(tolerance: 0), .polygons(tolerance: 1)]
            for format in formats {
                id += 1
                let a = try LVISAnnotation(id: id, imageID: 1, categoryID: 1 + id % 3, mask: mask, format: format)
                annotations[id] = a
                try writer.append(a)
                switch format {
                case .rle: expected[id] = mask
                case .polygons(tolerance: 0): expected[id] = mask.holesFilled()
                default: simplified[id] = try a.segmentation.mask(height: Self.height, width: Self.width).decode()
                }
            }
        }
        try writer.finish()

        let out = try ReferencePython.run(script: "Tests/XPasteLVISTests/Reference/load_with_loaders.py", arguments: [url.path])
        let view = try JSONDecoder().decode(LoaderView.self, from: out)
        #expect(view.lvis.annotations == id && view.coco.annotations == id)
        #expect(view.mmdet.dropped.isEmpty)
        for (annotationID, mask) in expected {
            let got = try #require(view.masks[String(annotationID)])
            #expect(got.height == Self.height && got.width == Self.width)
            #expect(got.coco == Self.text(mask), "annotation \(annotationID)")
            #expect(got.lvis == Self.text(mask), "annotation \(annotationID)")
            // RLE annotations carry exactly the counts text pycocotools' encoder writes for the mask.
            if case .rle(let rle) = annotations[annotationID]?.segmentation {
                #expect(rle.counts == .compressed(got.encoded), "annotation \(annotationID)")
            }
        }
        for (annotationID, predicted) in simplified {
            // Simplified polygons are not the original mask, but we know exactly what the loaders see.
            let got = try #require(view.masks[String(annotationID)])
            #expect(got.coco == Self.text(predicted), "annotation \(annotationID)")
        }
        // The stored area and box describe the mask the loaders decode.
        for (annotationID, a) in annotations {
            let got = try #require(view.masks[String(annotationID)]?.coco)
            let ones = got.enumerated().filter { $0.element == "1" }.map { $0.offset }
            #expect(Double(ones.count) == a.area, "annotation \(annotationID)")
            let xs = ones.map { $0 % Self.width }, ys = ones.map { $0 / Self.width }
            #expect(a.bbox == LVISBox(x: Double(xs.min()!), y: Double(ys.min()!),
                                      width: Double(xs.max()! - xs.min()! + 1), height: Double(ys.max()! - ys.min()! + 1)))
        }
    }

    @Test func rleAnnotationsStoreCanonicalCounts() throws {
        // The stored text decodes to the mask and its runs are the canonical (encoder) runs.
        for (name, mask) in try Self.masks() {
            let a = try LVISAnnotation(id: 1, imageID: 1, categoryID: 1, mask: mask, format: .rle)
            guard case .rle(let rle) = a.segmentation, case .compressed(let text) = rle.counts else {
                Issue.record("\(name): not compressed RLE")
                continue
            }
            #expect(rle.height == Self.height && rle.width == Self.width)
            #expect(try rle.decoded().decode() == mask, "\(name)")
            #expect(try RLE(height: Self.height, width: Self.width, compressedCounts: text).counts == RLE(encoding: mask).counts, "\(name)")
        }
    }

    @Test func emptyMasksAreRejected() throws {
        let empty = BinaryMask(width: 4, height: 4)
        #expect(throws: LVISError.self) { _ = try LVISAnnotation(id: 1, imageID: 1, categoryID: 1, mask: empty, format: .rle) }
        #expect(throws: LVISError.self) { _ = try LVISAnnotation(id: 1, imageID: 1, categoryID: 1, mask: empty) }
    }
}
