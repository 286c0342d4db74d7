import Foundation
import XPasteImage

/// `xpaste-bench raster DIR`: times resize, compositing, feathering, morphology and mask algebra
/// on the inputs `Benchmarks/reference/raster.py --export DIR` wrote, under the same benchmark
/// names as that script so `bench-compare.py` pairs them.
enum RasterBench {
    static func run(_ args: [String]) throws {
        guard let folder = args.first else {
            throw RasterBenchError(description: "usage: xpaste-bench raster DIR (from raster.py --export DIR)")
        }
        let dims = try JSONDecoder().decode([String: [Int]].self,
                                            from: Data(contentsOf: URL(fileURLWithPath: folder + "/inputs.json")))
        func raw(_ name: String) throws -> (Int, Int, [UInt8]) {
            let size = dims[name] ?? [0, 0]
            return (size[0], size[1], [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(name).raw"))))
        }
        let (pw, ph, photoBytes) = try raw("photo")
        let photo = try Image(width: pw, height: ph, format: .rgb8, pixels: photoBytes)
        let (tw, th, patchBytes) = try raw("patch")
        let patch = try Image(width: tw, height: th, format: .rgba8, pixels: patchBytes)
        let (sw, sh, softBytes) = try raw("soft")
        let soft = try Mask(width: sw, height: sh, values: softBytes)
        let (bw, bh, binaryBytes) = try raw("binary")
        let binary = try BinaryMask(width: bw, height: bh, bits: binaryBytes)
        let pixels = pw * ph

        func time(_ name: String, items: Int = 1, repeats: Int = 9, _ body: () throws -> Void) rethrows {
            BenchClock.report(name, items: items, seconds: try BenchClock.median(repeats: repeats, body))
        }

        try time("resize bicubic 1482x1000→224x151 RGB") { _ = try photo.resized(width: 224, height: 151, filter: .bicubic) }
        try time("resize bilinear 1482x1000→741x500 RGB") { _ = try photo.resized(width: 741, height: 500, filter: .bilinear) }
        try time("resize area 1482x1000→494x333 RGB") { _ = try photo.resized(width: 494, height: 333, filter: .area) }
        try time("resize area 1482x1000→741x500 RGB (2x)") { _ = try photo.resized(width: 741, height: 500, filter: .area) }
        try time("resize mask bilinear 320x320→1482x1000") { _ = try soft.resized(width: 1482, height: 1000, filter: .bilinear) }

        var offsets: [(Int, Int)] = []
        for y in Swift.stride(from: -100, to: 1000, by: 180) {
            for x in Swift.stride(from: -100, to: 1482, by: 200) { offsets.append((x, y)) }
        }
        // Same in-bounds placements as the NumPy reference, so both count the same pastes.
        let inside = offsets.filter { $0.0 >= 0 && $0.1 >= 0 && $0.0 + tw <= pw && $0.1 + th <= ph }
        try time("composite 256x256 RGBA onto RGB (pastes)", items: inside.count, repeats: 5) {
            var canvas = photo
            for (x, y) in inside { try canvas.composite(patch, atX: x, y: y) }
        }

        let mask = try soft.resized(width: pw, height: ph, filter: .bilinear)
        try time("gaussian blur mask σ=2 1482x1000 (pixels)", items: pixels) { _ = try mask.gaussianBlurred(sigma: 2) }
        try time("box blur mask r=5 1482x1000 (pixels)", items: pixels) { _ = try mask.boxBlurred(radius: 5) }
        try time("dilate square r=5 1482x1000 (pixels)", items: pixels) { _ = try binary.dilated(by: .square(radius: 5)) }
        try time("erode disk r=5 1482x1000 (pixels)", items: pixels) { _ = try binary.eroded(by: .disk(radius: 5)) }
        try time("dilate disk r=15 1482x1000 (pixels)", items: pixels) { _ = try binary.dilated(by: .disk(radius: 15)) }
        var shifted = BinaryMask(width: bw, height: bh)
        shifted.formUnion(binary, atX: 7, y: 0)
        try time("IoU 1482x1000 masks (pixels)", items: pixels) { _ = try binary.iou(shifted) }
    }
}

/// The raster benchmark could not run (bad arguments or inputs).
struct RasterBenchError: Error, CustomStringConvertible {
    let description: String
}
