import Testing
@testable import XPasteImage

/// Sizes taken from untrusted input (annotation JSON, request parameters) that overflow `Int` or
/// COCO's 32-bit counts must come back as typed errors; each of these trapped before.
@Suite struct HostileSizeTests {
    static let huge = Int.max / 2

    @Test func imageWithOverflowingRowIsTooLarge() {
        #expect(throws: ImageError.tooLarge("a row of \(Self.huge) rgb8 pixels overflows the address space")) {
            _ = try Image(width: Self.huge, height: 1, format: .rgb8, pixels: [])
        }
        #expect(throws: ImageError.tooLarge("stride 4 × height \(Self.huge) overflows the address space")) {
            _ = try Image(width: 1, height: Self.huge, format: .rgba8, pixels: [])
        }
    }

    @Test func masksWithOverflowingAreaAreTooLarge() {
        let error = ImageError.tooLarge("a \(Self.huge)×4 mask overflows the address space")
        #expect(throws: error) { _ = try Mask(width: Self.huge, height: 4, values: []) }
        #expect(throws: error) { _ = try BinaryMask(width: Self.huge, height: 4, bits: []) }
        #expect(throws: ImageError.invalidGeometry("mask size -1×4 is negative")) {
            _ = try Mask(width: -1, height: 4, values: [])
        }
    }

    @Test func rleWithOverflowingSizeIsTooLarge() throws {
        #expect(throws: ImageError.tooLarge("a \(Self.huge)×\(Self.huge) mask has more pixels than COCO's 32-bit RLE counts hold")) {
            _ = try RLE(height: Self.huge, width: Self.huge, counts: [0])
        }
        // Counts that add up but describe more pixels than COCO's format holds (a 10 GB decode).
        #expect(throws: ImageError.tooLarge("a 100000×100000 mask has more pixels than COCO's 32-bit RLE counts hold")) {
            _ = try RLE(height: 100_000, width: 100_000, counts: [UInt32.max, UInt32.max, 1_410_065_410])
        }
        #expect(throws: ImageError.self) { _ = try RLE(height: Self.huge, width: 3, compressedCounts: "0") }
    }

    @Test func polygonOnRasterBeyond32BitCountsIsTooLarge() throws {
        let ring: [Double] = [0, 0, 10, 0, 10, 10]
        let error = ImageError.tooLarge("a 100000×100000 mask has more pixels than COCO's 32-bit RLE counts hold")
        #expect(throws: error) { _ = try RLE(polygon: ring, height: 100_000, width: 100_000) }
        #expect(throws: error) { _ = try RLE(polygons: [], height: 100_000, width: 100_000) }
        #expect(throws: ImageError.tooLarge("a \(Self.huge)×\(Self.huge) mask has more pixels than COCO's 32-bit RLE counts hold")) {
            _ = try RLE(polygons: [ring], height: Self.huge, width: Self.huge)
        }
        // The largest raster COCO counts can describe is still accepted.
        #expect(try RLE(polygons: [], height: 65_535, width: 65_537).counts == [UInt32.max])
    }

    @Test func paddingThatOverflowsIsTooLarge() throws {
        let image = Image(width: 2, height: 2, format: .rgb8)
        #expect(throws: ImageError.self) {
            _ = try image.padded(top: 0, left: Int.max, bottom: 0, right: 1, color: [0, 0, 0])
        }
        #expect(throws: ImageError.self) {
            _ = try Mask(width: 2, height: 2).padded(top: Self.huge, left: Self.huge, bottom: 0, right: 0)
        }
        do {
            _ = try BinaryMask(width: 2, height: 2).padded(top: Int.max, left: 0, bottom: Int.max, right: 0)
            Issue.record("padding by 2·Int.max rows did not throw")
        } catch {
            #expect(error.code == "image.too_large")
        }
    }

    @Test func compositeFarOutsideReturnsNilAndLeavesImage() throws {
        var image = Image(width: 4, height: 4, format: .rgb8, filledWith: [9, 9, 9])
        let before = image
        let patch = Image(width: 3, height: 3, format: .rgb8, filledWith: [1, 2, 3])
        #expect(try image.composite(patch, atX: Int.max, y: 0) == nil)
        #expect(try image.composite(patch, atX: 0, y: Int.max - 1) == nil)
        #expect(try image.composite(patch, atX: Int.min, y: Int.min) == nil)
        #expect(image == before)
        #expect(try image.composite(patch, atX: 3, y: 3) == PixelBox(x: 3, y: 3, width: 1, height: 1))
        #expect(image.pixel(x: 3, y: 3) == [1, 2, 3])
    }

    @Test func structuringElementGridIsEmptyForRefusedRadii() {
        #expect(StructuringElement.square(radius: Int.max).grid.isEmpty)
        #expect(StructuringElement.disk(radius: 4097).grid.isEmpty)
        #expect(StructuringElement.disk(radius: -1).grid.isEmpty)
        #expect(StructuringElement.square(radius: 1).grid == [UInt8](repeating: 1, count: 9))
    }
}
