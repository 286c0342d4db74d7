import Testing
@testable import XPasteImage

/// Erosion, dilation, opening and closing compared with OpenCV, borders included.
@Suite struct MorphologyTests {
    static func masks() throws -> [(String, BinaryMask)] {
        // Random blobs touching every border, a thin line, a one-pixel speck, and a full mask.
        let noise = noiseBytes(47 * 39, seed: 99).map { $0 > 150 ? UInt8(1) : 0 }
        var shapes = BinaryMask(width: 40, height: 31)
        for y in 0..<31 {
            for x in 0..<40 where (x - 12) * (x - 12) + (y - 14) * (y - 14) <= 64 || y == 25 || (x == 33 && y == 5) || x >= 37 {
                shapes[x, y] = true
            }
        }
        return [("noise", try BinaryMask(width: 47, height: 39, bits: noise)), ("shapes", shapes),
                ("full", BinaryMask(width: 9, height: 7, filled: true))]
    }

    @Test func elementsMatchOpenCV() throws {
        let ref = try RasterReference()
        let radii = Array(0...12) + [20, 37]
        var jobs: [[String: Any]] = []
        for shape in ["square", "disk"] {
            for r in radii { jobs.append(["op": "element", "shape": shape, "radius": r, "out": ref.path("\(shape)-\(r).raw")]) }
        }
        try ref.run("morphology_reference.py", jobs)
        for r in radii {
            #expect(StructuringElement.disk(radius: r).grid == (try ref.read("disk-\(r).raw")), "disk \(r)")
            #expect(StructuringElement.square(radius: r).grid == (try ref.read("square-\(r).raw")), "square \(r)")
        }
    }

    @Test func operationsMatchOpenCVIncludingBorders() throws {
        let ref = try RasterReference()
        let elements: [(String, StructuringElement)] = [
            ("square", .square(radius: 1)), ("square", .square(radius: 3)), ("square", .square(radius: 25)),
            ("disk", .disk(radius: 1)), ("disk", .disk(radius: 2)), ("disk", .disk(radius: 5)), ("disk", .disk(radius: 30)),
            ("disk", .disk(radius: 260)),  // 16-bit distance path
        ]
        let ops = ["erode", "dilate", "open", "close"]
        var jobs: [[String: Any]] = []
        let masks = try Self.masks()
        for (name, mask) in masks {
            let input = try ref.write(mask.bits, as: "\(name).raw")
            for (shape, element) in elements {
                for op in ops {
                    jobs.append(["op": "morph", "in": input, "w": mask.width, "h": mask.height, "operation": op,
                                 "shape": shape, "radius": element.radius,
                                 "out": ref.path("\(name)-\(op)-\(shape)-\(element.radius).raw")])
                }
            }
        }
        try ref.run("morphology_reference.py", jobs)
        for (name, mask) in masks {
            for (shape, element) in elements {
                let results = [
                    "erode": try mask.eroded(by: element), "dilate": try mask.dilated(by: element),
                    "open": try mask.opened(by: element), "close": try mask.closed(by: element),
                ]
                for op in ops {
                    let expected = try ref.read("\(name)-\(op)-\(shape)-\(element.radius).raw")
                    #expect(results[op]!.bits == expected, "\(name) \(op) \(shape) r=\(element.radius)")
                }
            }
        }
    }

    @Test func erosionIgnoresTheFrameAndDilationStaysInside() throws {
        let full = BinaryMask(width: 6, height: 5, filled: true)
        #expect(try full.eroded(by: .disk(radius: 2)) == full)
        var dot = BinaryMask(width: 5, height: 5)
        dot[0, 0] = true
        let grown = try dot.dilated(by: .square(radius: 1))
        #expect(grown.area == 4)
        #expect(grown.boundingBox == PixelBox(x: 0, y: 0, width: 2, height: 2))
        #expect(try dot.eroded(by: .square(radius: 0)) == dot)
        #expect(throws: ImageError.self) { try dot.dilated(by: .disk(radius: -1)) }
    }
}
