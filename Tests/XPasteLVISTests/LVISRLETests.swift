import Testing
import XPasteImage
@testable import XPasteLVIS

@Suite struct LVISRLETests {
    @Test func compressedCountsDecodeLikePycocotools() throws {
        // Golden values from pycocotools 2.0.11:
        //   big = np.zeros((40, 30), np.uint8); big[5:30, 3:20] = 1; big[10:12, 25:28] = 1
        //   mask.encode(np.asfortranarray(big))["counts"]  → the text below; runs = column-major run lengths.
        let text = "m3i0?0000000000000000000000000000000]6YOZJ000V2"
        let runs = [125] + Array(repeating: [25, 15], count: 16).flatMap { $0 } + [25, 220, 2, 38, 2, 38, 2, 108]
        #expect(try LVISRLE(height: 40, width: 30, counts: .compressed(text)).decoded().counts == runs.map { UInt32($0) })
        #expect(try LVISRLE(height: 4, width: 3, counts: .compressed("525")).decoded().counts == [5, 2, 5])
        #expect(try LVISRLE(height: 4, width: 3, counts: .uncompressed([2, 3, 7])).decoded().counts == [2, 3, 7])
    }

    @Test func malformedCountsThrow() {
        for bad in ["p", "0 ", "o", "O", "52"] {   // outside the alphabet, cut short, negative, too few pixels
            #expect(throws: ImageError.self, "\(bad)") { _ = try LVISRLE(height: 4, width: 3, counts: .compressed(bad)).decoded() }
        }
        #expect(throws: ImageError.self) { _ = try LVISRLE(height: 4, width: 3, counts: .uncompressed([2, -3, 13])).decoded() }
    }

    @Test func convertsFromRLE() throws {
        let rle = try RLE(height: 4, width: 3, counts: [5, 2, 5])
        #expect(LVISRLE(rle) == LVISRLE(height: 4, width: 3, counts: .compressed("525")))
        #expect(try LVISSegmentation.rle(LVISRLE(rle)).mask(height: 4, width: 3) == rle)
    }
}
