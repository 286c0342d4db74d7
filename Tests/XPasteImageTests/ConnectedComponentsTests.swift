import Testing
@testable import XPasteImage

@Suite struct ConnectedComponentsTests {
    /// One line of Reference/components_reference.py's output.
    struct ReferenceCase: Decodable {
        let components: [[Int]]
        let filled: String
        let largest: String
        let largest_filled: String
    }

    /// Components (partition, area, box, order), hole filling and the largest component agree with
    /// OpenCV `connectedComponentsWithStats(connectivity=8)` and a 4-connected background flood on
    /// random, blob, structured and thresholded-photo masks.
    @Test func matchesOpenCV() throws {
        let cases = try ReferenceMaskSet.run("components_reference.py", seed: 99, as: ReferenceCase.self)
        #expect(cases.count >= 250)
        for (c, name, mask) in cases {
            let cc = mask.connectedComponents()
            var mine: [[Int]] = []
            var sums = [Int](repeating: 0, count: cc.components.count + 1)
            cc.labels.withUnsafeBufferPointer { labels in
                for i in 0..<labels.count where labels[i] != 0 { sums[Int(labels[i])] += i }
            }
            for comp in cc.components {
                mine.append([comp.firstY * mask.width + comp.firstX, comp.area, comp.box.x, comp.box.y,
                             comp.box.width, comp.box.height, sums[comp.label]])
            }
            #expect(mine == c.components, "\(name)")
            #expect(RLE(encoding: mask.holesFilled()).compressedCounts == c.filled, "\(name)")
            #expect(RLE(encoding: mask.largestComponent()).compressedCounts == c.largest, "\(name)")
            #expect(RLE(encoding: mask.largestComponentWithHolesFilled()).compressedCounts == c.largest_filled, "\(name)")
        }
    }

    @Test func diagonalNeighboursJoinButBackgroundDiagonalsDoNot() throws {
        // A ring whose corners touch only diagonally: one 8-connected component enclosing a hole
        // that 4-connected background cannot leave.
        let mask = try BinaryMask(width: 5, height: 5, bits: [
            0, 0, 1, 0, 0,
            0, 1, 0, 1, 0,
            1, 0, 0, 0, 1,
            0, 1, 0, 1, 0,
            0, 0, 1, 0, 0,
        ])
        let cc = mask.connectedComponents()
        #expect(cc.components.count == 1)
        #expect(cc.components.first?.area == 8)
        #expect(cc.components.first?.box == PixelBox(x: 0, y: 0, width: 5, height: 5))
        let filled = mask.holesFilled()
        #expect(filled.bits.reduce(0) { $0 + Int($1) } == 13)
        #expect(filled[2, 2] && filled[1, 2] && !filled[0, 0])
    }

    @Test func largestPicksTheBiggestAndFirstOnTies() throws {
        let mask = try BinaryMask(width: 6, height: 2, bits: [
            1, 0, 1, 1, 0, 1,
            1, 0, 1, 1, 0, 1,
        ])
        let largest = mask.largestComponent()
        #expect(largest.bits == [0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0])
        let tie = try BinaryMask(width: 5, height: 1, bits: [1, 1, 0, 1, 1])
        #expect(tie.largestComponent().bits == [1, 1, 0, 0, 0])
        #expect(BinaryMask(width: 3, height: 3).largestComponent() == BinaryMask(width: 3, height: 3))
        #expect(BinaryMask(width: 0, height: 0).connectedComponents().components.isEmpty)
    }

    @Test func componentMaskAndLabels() throws {
        let mask = try BinaryMask(width: 4, height: 3, bits: [
            0, 1, 0, 0,
            0, 0, 0, 1,
            1, 0, 0, 1,
        ])
        let cc = mask.connectedComponents()
        #expect(cc.labels == [0, 1, 0, 0, 0, 0, 0, 2, 3, 0, 0, 2])
        #expect(cc.mask(label: 2).bits == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1])
        #expect(cc.mask(label: 9) == BinaryMask(width: 4, height: 3))
        #expect(cc.largest?.label == 2)
    }
}
