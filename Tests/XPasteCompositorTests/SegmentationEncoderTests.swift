import Foundation
import Testing
import XPasteImage
import XPasteTestSupport
@testable import XPasteCompositor

@Suite struct SegmentationEncoderTests {
    /// Masks with holes, islands in holes, diagonal contacts and several components.
    static func cases() -> [BinaryMask] {
        var out: [BinaryMask] = []
        var square = BinaryMask(width: 20, height: 20, filled: true)
        for y in 8..<13 { for x in 8..<13 { square[x, y] = false } }
        out.append(square)
        var island = square
        island[10, 10] = true
        out.append(island)
        var twoHoles = BinaryMask(width: 30, height: 12, filled: true)
        for y in 3..<9 { for x in 3..<9 { twoHoles[x, y] = false }; for x in 15..<27 { twoHoles[x, y] = false } }
        out.append(twoHoles)
        // Two holes touching at a corner (4-separate, 8-adjacent).
        var diagonal = BinaryMask(width: 10, height: 10, filled: true)
        diagonal[3, 3] = false; diagonal[4, 4] = false
        out.append(diagonal)
        // A hole touching the outline diagonally is still a hole for 8-connected foreground.
        var pinched = BinaryMask(width: 8, height: 8, filled: true)
        pinched[0, 0] = false; pinched[1, 1] = false; pinched[2, 2] = false
        out.append(pinched)
        // Random blobs with random bites: what occlusion produces.
        var rng = PasteRandom(seed: 77)
        for _ in 0..<300 {
            let w = 8 + rng.uniformIndex(below: 60), h = 8 + rng.uniformIndex(below: 60)
            var m = BinaryMask(width: w, height: h)
            for _ in 0..<(1 + rng.uniformIndex(below: 4)) {
                let cx = rng.uniform(0, Double(w)), cy = rng.uniform(0, Double(h))
                let rx = rng.uniform(2, Double(w) / 2), ry = rng.uniform(2, Double(h) / 2)
                for y in 0..<h { for x in 0..<w {
                    let dx = (Double(x) + 0.5 - cx) / rx, dy = (Double(y) + 0.5 - cy) / ry
                    if dx * dx + dy * dy <= 1 { m[x, y] = true }
                } }
            }
            for _ in 0..<rng.uniformIndex(below: 6) {
                let bx = rng.uniformIndex(below: w), by = rng.uniformIndex(below: h), bw = 1 + rng.uniformIndex(below: 6), bh = 1 + rng.uniformIndex(below: 6)
                for y in by..<min(h, by + bh) { for x in bx..<min(w, bx + bw) { m[x, y] = rng.chance(0.9) ? false : m[x, y] } }
            }
            out.append(m)
        }
        return out
    }

    static func placed(_ m: BinaryMask, x: Int, y: Int, width: Int, height: Int) -> BinaryMask {
        var full = BinaryMask(width: width, height: height)
        for yy in 0..<m.height { for xx in 0..<m.width where m[xx, yy] { full[xx + x, yy + y] = true } }
        return full
    }

    @Test func exactPolygonsRasteriseToTheMaskWithItsHoles() throws {
        var payload: [[String: Any]] = []
        var expected: [String] = []
        for (k, m) in Self.cases().enumerated() {
            let x = k % 7, y = (k * 3) % 5, width = m.width + 9, height = m.height + 6
            let rings = SegmentationEncoder.polygons(m, x: x, y: y, tolerance: 0)
            #expect(rings.allSatisfy { $0.count >= 6 && $0.count % 2 == 0 })
            let full = Self.placed(m, x: x, y: y, width: width, height: height)
            let want = RLE(encoding: full)
            // Our pycocotools-exact rasteriser …
            #expect(try RLE(polygons: rings, height: height, width: width) == want, "case \(k)")
            payload.append(["height": height, "width": width, "rings": rings])
            expected.append(want.compressedCounts)
        }
        // … and pycocotools itself.
        let input = try JSONSerialization.data(withJSONObject: payload)
        let output = try ReferencePython.run(script: "Tests/XPasteCompositorTests/Reference/rasterize_polygons.py", stdin: input)
        let counts = try JSONDecoder().decode([String].self, from: output)
        #expect(counts == expected)
    }

    @Test func simplifiedPolygonsStayCloseToTheMask() throws {
        for m in Self.cases() where m.bits.reduce(0, { $0 + Int($1) }) >= 200 {
            let rings = SegmentationEncoder.polygons(m, x: 0, y: 0, tolerance: 0.5)
            let got = try RLE(polygons: rings, height: m.height, width: m.width)
            #expect(try got.iou(RLE(encoding: m)) > 0.85)
        }
    }

    @Test func rleIsTheMaskPlacedInTheImage() {
        var m = BinaryMask(width: 3, height: 2)
        m[0, 0] = true; m[2, 1] = true
        let rle = SegmentationEncoder.rle(m, x: 4, y: 1, imageWidth: 8, imageHeight: 4)
        #expect(rle.decode() == Self.placed(m, x: 4, y: 1, width: 8, height: 4))
    }
}
