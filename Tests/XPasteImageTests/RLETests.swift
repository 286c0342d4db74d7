import Foundation
import Testing
import XPasteTestSupport
@testable import XPasteImage

@Suite struct RLETests {
    /// One line of Reference/rle_reference.py's output.
    struct ReferenceCase: Decodable {
        let h: Int
        let w: Int
        let counts: String
        let area: Int
        let bbox: [Double]
        let union: String?
        let inter: String?
        let iou: Double?
    }

    /// ≥ 1,000 masks (random densities, blobs, thresholded photo channels, stripes, checkerboards,
    /// empty, full, single pixels; 1×1 to 2000×2000): strings, decode, area, box, merge and IoU all
    /// equal pycocotools'.
    @Test func matchesPycocotools() throws {
        let cases = try ReferenceMaskSet.run("rle_reference.py", seed: 20_240_601, as: ReferenceCase.self)
        #expect(cases.count >= 1000)
        var previous: RLE?
        for (c, name, mask) in cases {
            let ours = RLE(encoding: mask)
            #expect(ours.compressedCounts == c.counts, "\(name)")
            let theirs = try RLE(height: c.h, width: c.w, compressedCounts: c.counts)
            #expect(theirs == ours, "\(name)")
            #expect(theirs.decode() == mask, "\(name)")
            #expect(ours.area == c.area, "\(name)")
            #expect(ours.cocoBox == c.bbox, "\(name)")
            if let union = c.union, let inter = c.inter, let iou = c.iou, let previous {
                #expect(try RLE.merge([previous, ours]).compressedCounts == union, "\(name)")
                #expect(try RLE.merge([previous, ours], intersect: true).compressedCounts == inter, "\(name)")
                #expect(abs(try previous.iou(ours) - iou) < 1e-12, "\(name)")
            }
            previous = ours
        }
    }

    /// Merging many RLEs at once (an event sweep) equals folding pairwise merges, which
    /// `matchesPycocotools` checks against pycocotools.
    @Test func manyWayMergeEqualsPairwiseFold() throws {
        var rng = SplitMix64(seed: 17)
        for i in 0..<200 {
            let w = Int(rng.next() % 30) + 1, h = Int(rng.next() % 30) + 1
            let n = Int(rng.next() % 6) + 3
            let rles = (0..<n).map { _ in
                var m = BinaryMask(width: w, height: h)
                let density = rng.next() % 100
                for p in 0..<(w * h) { m.bits[p] = rng.next() % 100 < density ? 1 : 0 }
                return RLE(encoding: m)
            }
            for intersect in [false, true] {
                var folded = rles[0]
                for r in rles.dropFirst() { folded = try RLE.merge([folded, r], intersect: intersect) }
                #expect(try RLE.merge(rles, intersect: intersect) == folded, "case \(i) intersect \(intersect)")
            }
        }
    }

    @Test func knownStringWithNegativeDifference() throws {
        // A 10×1 column: 2 off, 1 on, 2 off, 4 on, 1 off. The fifth count is written as 1 − 2 = −1.
        var mask = BinaryMask(width: 1, height: 10)
        for y in [2, 5, 6, 7, 8] { mask[0, y] = true }
        let rle = RLE(encoding: mask)
        #expect(rle.counts == [2, 1, 2, 4, 1])
        #expect(rle.compressedCounts == "2123O")
        #expect(try RLE(height: 10, width: 1, compressedCounts: "2123O") == rle)
    }

    @Test func zeroSizedMaskEncodesLikePycocotools() throws {
        let rle = RLE(encoding: BinaryMask(width: 0, height: 3))
        #expect(rle.counts == [0])
        #expect(rle.compressedCounts == "0")
        #expect(rle.decode() == BinaryMask(width: 0, height: 3))
        #expect(rle.area == 0)
        #expect(rle.boundingBox.isEmpty)
    }

    @Test func columnMajorOrderAndRowMajorInput() throws {
        // 2×3 mask, row-major: [1 0 0; 1 1 0]. Column-major: 1 1 | 0 1 | 0 0 → runs 0,2,1,1,2.
        let mask = try BinaryMask(width: 3, height: 2, bits: [1, 0, 0, 1, 1, 0])
        let rle = RLE(encoding: mask)
        #expect(rle.counts == [0, 2, 1, 1, 2])
        #expect(rle.boundingBox == PixelBox(x: 0, y: 0, width: 2, height: 2))
        #expect(rle.decode() == mask)
    }

    @Test func nonBinaryForegroundBytesCountAsForeground() {
        var mask = BinaryMask(width: 9, height: 3)
        mask.bits[4] = 255
        mask.bits[13] = 2
        var reference = BinaryMask(width: 9, height: 3)
        reference.bits[4] = 1
        reference.bits[13] = 1
        #expect(RLE(encoding: mask) == RLE(encoding: reference))
    }

    @Test func malformedStringsAreRejectedWithClearErrors() {
        // Outside '0'…'o'.
        #expect(throws: ImageError.corrupt("RLE string has character p (byte 112) at 1; only '0'…'o' are valid")) {
            _ = try RLE(height: 2, width: 2, compressedCounts: "0p")
        }
        // Continuation bit on the last character.
        #expect(throws: ImageError.self) { _ = try RLE(height: 2, width: 2, compressedCounts: "0R") }
        // A negative count ('O' is −1 as a first count).
        #expect(throws: ImageError.self) { _ = try RLE(height: 2, width: 2, compressedCounts: "O5") }
        // Counts summing to 3 for a 4-pixel mask.
        #expect(throws: ImageError.invalidGeometry("RLE counts add up to 3, but a 2×2 mask has 4 pixels")) {
            _ = try RLE(height: 2, width: 2, compressedCounts: "03")
        }
        // Absurdly long count.
        #expect(throws: ImageError.self) {
            _ = try RLE(height: 2, width: 2, compressedCounts: String(repeating: "o", count: 20) + "0")
        }
        do {
            _ = try RLE(height: 2, width: 2, compressedCounts: "0R")
            Issue.record("truncated string accepted")
        } catch {
            #expect(error.code == "image.corrupt")
        }
    }

    @Test func mergeAndIoURejectMismatchedSizes() throws {
        let a = RLE(emptyHeight: 2, width: 3), b = RLE(emptyHeight: 3, width: 2)
        #expect(throws: ImageError.self) { _ = try RLE.merge([a, b]) }
        #expect(throws: ImageError.self) { _ = try RLE.merge([]) }
        #expect(throws: ImageError.self) { _ = try a.iou(b) }
        #expect(try a.iou(a) == 0)
    }

    @Test func codableUsesCocoJSON() throws {
        var mask = BinaryMask(width: 1, height: 10)
        for y in [2, 5, 6, 7, 8] { mask[0, y] = true }
        let rle = RLE(encoding: mask)
        let json = try JSONEncoder().encode(rle)
        let object = try JSONSerialization.jsonObject(with: json) as? [String: Any]
        #expect(object?["counts"] as? String == "2123O")
        #expect(object?["size"] as? [Int] == [10, 1])
        #expect(try JSONDecoder().decode(RLE.self, from: json) == rle)
        let uncompressed = Data(#"{"size": [10, 1], "counts": [2, 1, 2, 4, 1]}"#.utf8)
        #expect(try JSONDecoder().decode(RLE.self, from: uncompressed) == rle)
        let bad = Data(#"{"size": [10, 1], "counts": [2, 1]}"#.utf8)
        #expect(throws: (any Error).self) { _ = try JSONDecoder().decode(RLE.self, from: bad) }
    }
}
