import Testing
@testable import XPasteImage

@Suite struct ImageTests {
    @Test func filledImageHasColourEverywhere() {
        let img = Image(width: 3, height: 2, format: .rgba8, filledWith: [1, 2, 3, 4])
        #expect(img.pixels.count == 24)
        #expect(img.pixel(x: 2, y: 1) == [1, 2, 3, 4])
    }

    @Test func strideTooSmallIsRejected() {
        #expect(throws: ImageError.invalidGeometry("width 4, height 1, stride 8")) {
            _ = try Image(width: 4, height: 1, format: .rgb8, stride: 8, pixels: [UInt8](repeating: 0, count: 12))
        }
        #expect(throws: ImageError.invalidGeometry("buffer of 11 bytes is smaller than stride 12 × height 1")) {
            _ = try Image(width: 4, height: 1, format: .rgb8, pixels: [UInt8](repeating: 0, count: 11))
        }
        #expect(throws: ImageError.invalidGeometry("image size -1×1 is negative")) {
            _ = try Image(width: -1, height: 1, format: .rgb8, pixels: [])
        }
    }

    @Test func packedDropsRowPadding() throws {
        let padded = try Image(width: 1, height: 2, format: .rgb8, stride: 4, pixels: [1, 2, 3, 99, 4, 5, 6, 99])
        #expect(padded.packed().pixels == [1, 2, 3, 4, 5, 6])
    }

    @Test func binarizeUsesInclusiveThreshold() throws {
        let m = try Mask(width: 3, height: 1, values: [127, 128, 255])
        #expect(m.binarized().bits == [0, 1, 1])
        #expect(m.binarized().soft().values == [0, 255, 255])
    }
}
