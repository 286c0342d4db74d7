import Testing
@testable import XPasteImage

/// Set operations and measures on binary masks, checked against per-pixel definitions.
@Suite struct MaskAlgebraTests {
    static let a = try! BinaryMask(width: 5, height: 3, bits: [0, 1, 1, 0, 0,
                                                              0, 1, 1, 1, 0,
                                                              0, 0, 0, 0, 0])
    static let b = try! BinaryMask(width: 5, height: 3, bits: [0, 0, 1, 1, 0,
                                                              0, 0, 0, 1, 1,
                                                              0, 0, 0, 0, 1])

    @Test func setOperations() throws {
        #expect(try Self.a.union(Self.b).bits == [0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1])
        #expect(try Self.a.intersection(Self.b).bits == [0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0])
        #expect(try Self.a.subtracting(Self.b).bits == [0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0])
        #expect(Self.a.inverted().area == 10)
    }

    @Test func measures() throws {
        #expect(Self.a.area == 5)
        #expect(Self.b.area == 5)
        #expect(Self.a.boundingBox == PixelBox(x: 1, y: 0, width: 3, height: 2))
        #expect(Self.b.boundingBox == PixelBox(x: 2, y: 0, width: 3, height: 3))
        #expect(BinaryMask(width: 4, height: 4).boundingBox == nil)
        #expect(try Self.a.iou(Self.b) == 2.0 / 8.0)
        #expect(try BinaryMask(width: 2, height: 2).iou(BinaryMask(width: 2, height: 2)) == 0)
    }

    @Test func randomMasksAgreeWithDefinitions() throws {
        let x = try BinaryMask(width: 33, height: 21, bits: noiseBytes(693, seed: 1).map { $0 & 1 })
        let y = try BinaryMask(width: 33, height: 21, bits: noiseBytes(693, seed: 2).map { $0 >> 7 })
        let inter = zip(x.bits, y.bits).filter { $0 == 1 && $1 == 1 }.count
        let uni = zip(x.bits, y.bits).filter { $0 == 1 || $1 == 1 }.count
        #expect(try x.intersection(y).area == inter)
        #expect(try x.union(y).area == uni)
        #expect(try x.subtracting(y).area == x.area - inter)
        #expect(try x.iou(y) == Double(inter) / Double(uni))
        var minX = 33, maxX = -1, minY = 21, maxY = -1
        for yy in 0..<21 { for xx in 0..<33 where y[xx, yy] { minX = min(minX, xx); maxX = max(maxX, xx); minY = min(minY, yy); maxY = max(maxY, yy) } }
        #expect(y.boundingBox == PixelBox(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1))
    }

    @Test func placedOperationsClip() throws {
        var m = BinaryMask(width: 4, height: 3)
        let blob = BinaryMask(width: 2, height: 2, filled: true)
        m.formUnion(blob, atX: -1, y: 2)
        #expect(m.bits == [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0])
        m.formUnion(blob, atX: 3, y: -1)
        #expect(m.bits == [0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0])
        var full = BinaryMask(width: 4, height: 3, filled: true)
        full.subtract(blob, atX: 1, y: 1)
        #expect(full.bits == [1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1])
        full.subtract(blob, atX: 10, y: 10)
        #expect(full.area == 8)
    }

    @Test func sizeMismatchThrows() {
        #expect(throws: ImageError.self) { try Self.a.union(BinaryMask(width: 5, height: 2)) }
        #expect(throws: ImageError.self) { try Self.a.iou(BinaryMask(width: 4, height: 3)) }
    }
}
