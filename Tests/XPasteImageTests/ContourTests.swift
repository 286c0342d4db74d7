import Testing
import XPasteTestSupport
@testable import XPasteImage

@Suite struct ContourTests {
    @Test func singlePixelIsItsSquare() {
        var mask = BinaryMask(width: 4, height: 3)
        mask[2, 1] = true
        #expect(ContourTracer.outerRings(of: mask) == [[2, 1, 3, 1, 3, 2, 2, 2]])
        #expect(mask.cocoPolygons(tolerance: 10) == [[2, 1, 3, 1, 3, 2, 2, 2]])
    }

    @Test func diagonalNeighboursShareOneRingTouchingItself() throws {
        let mask = try BinaryMask(width: 2, height: 2, bits: [1, 0, 0, 1])
        #expect(ContourTracer.outerRings(of: mask) == [[0, 0, 1, 0, 1, 1, 2, 1, 2, 2, 1, 2, 1, 1, 0, 1]])
        #expect(try RLE(polygons: mask.cocoPolygons(), height: 2, width: 2).decode() == mask)
    }

    @Test func holesAreFilledAndNestedComponentsDropped() throws {
        // A 7×7 frame with a 1-pixel island in its hole, and a separate pixel to the right.
        var mask = BinaryMask(width: 9, height: 7)
        for i in 0..<7 {
            mask[i, 0] = true; mask[i, 6] = true
            mask[0, i] = true; mask[6, i] = true
        }
        mask[3, 3] = true
        mask[8, 2] = true
        #expect(ContourTracer.outerRings(of: mask) == [[0, 0, 7, 0, 7, 7, 0, 7], [8, 2, 9, 2, 9, 3, 8, 3]])
        #expect(ContourTracer.outerRings(of: mask, includeNested: true).count == 3)
        let back = try RLE(polygons: mask.cocoPolygons(), height: 7, width: 9).decode()
        #expect(back == mask.holesFilled())
        #expect(back.bits.reduce(0) { $0 + Int($1) } == 50)
    }

    @Test func thinDiagonalLineKeepsAnExactRingWhenSimplificationCollapses() throws {
        // A 1-pixel-wide diagonal: simplification at a huge tolerance would leave 2 vertices.
        var mask = BinaryMask(width: 6, height: 6)
        for i in 0..<6 { mask[i, i] = true }
        let rings = mask.cocoPolygons(tolerance: 100)
        #expect(rings.count == 1)
        #expect(try RLE(polygons: rings, height: 6, width: 6).decode() == mask)
    }

    @Test func emptyAndFullMasks() throws {
        #expect(BinaryMask(width: 5, height: 4).cocoPolygons().isEmpty)
        #expect(BinaryMask(width: 0, height: 0).cocoPolygons().isEmpty)
        #expect(BinaryMask(width: 5, height: 4, filled: true).cocoPolygons() == [[0, 0, 5, 0, 5, 4, 0, 4]])
    }

    /// Tolerance 0 is exact on every structured and random case, using the rasteriser that
    /// PolygonTests proves identical to pycocotools.
    @Test func exactRingsRasteriseToTheFilledMask() throws {
        var rng = SplitMix64(seed: 5)
        for i in 0..<300 {
            let w = Int(rng.next() % 40) + 1, h = Int(rng.next() % 40) + 1
            let density = [5, 30, 50, 70, 95][i % 5]
            var mask = BinaryMask(width: w, height: h)
            for p in 0..<(w * h) { mask.bits[p] = rng.next() % 100 < UInt64(density) ? 1 : 0 }
            let rings = mask.cocoPolygons()
            #expect(try RLE(polygons: rings, height: h, width: w).decode() == mask.holesFilled(), "case \(i)")
        }
    }
}
