import Testing
@testable import XPasteLVIS

@Suite struct LVISRLETests {
    @Test func decodesPycocotoolsCompressedCounts() {
        // Golden values from pycocotools 2.0.11:
        //   big = np.zeros((40, 30), np.uint8); big[5:30, 3:20] = 1; big[10:12, 25:28] = 1
        //   mask.encode(np.asfortranarray(big))["counts"]  → the text below; runs = column-major run lengths.
        let text = "m3i0?0000000000000000000000000000000]6YOZJ000V2"
        let runs = [125] + Array(repeating: [25, 15], count: 16).flatMap { $0 } + [25, 220, 2, 38, 2, 38, 2, 108]
        #expect(LVISRLE.decodeCounts(text) == runs)
        #expect(runs.reduce(0, +) == 1200)
        #expect(LVISRLE.decodeCounts("525") == [5, 2, 5])
        #expect(LVISRLE.decodeCounts("237") == [2, 3, 7])
        #expect(LVISRLE.decodeCounts("") == [])
    }

    @Test func rejectsMalformedCounts() {
        #expect(LVISRLE.decodeCounts("p") == nil)   // 'p' is outside the 64-symbol alphabet
        #expect(LVISRLE.decodeCounts("0 ") == nil)
        #expect(LVISRLE.decodeCounts("o") == nil)   // continuation bit set, then the text ends
        #expect(LVISRLE.decodeCounts("O") == [-1])  // well-formed but negative: the validator rejects it
    }

    @Test func runLengthsCoverBothForms() {
        #expect(LVISRLE(height: 4, width: 3, counts: .uncompressed([2, 3, 7])).runLengths == [2, 3, 7])
        #expect(LVISRLE(height: 4, width: 3, counts: .compressed("237")).runLengths == [2, 3, 7])
    }
}
