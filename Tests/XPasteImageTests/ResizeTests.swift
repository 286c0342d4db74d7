import Foundation
import Testing
@testable import XPasteImage

/// Resizes of real photo crops compared byte for byte with Pillow and OpenCV.
@Suite struct ResizeTests {
    /// Crops of the shared photos (kept small: tests run in debug builds).
    static let crops: [(String, PixelBox)] = [
        ("astronaut.png", PixelBox(x: 150, y: 60, width: 97, height: 83)),
        ("chelsea.png", PixelBox(x: 100, y: 40, width: 120, height: 64)),
        ("coffee.png", PixelBox(x: 200, y: 100, width: 64, height: 101)),
        ("rocket.jpg", PixelBox(x: 120, y: 150, width: 75, height: 75)),
    ]
    /// Target sizes as fractions: strong and mild shrink, enlarge, mixed, degenerate.
    static func targets(for box: PixelBox) -> [(Int, Int)] {
        [(box.width / 3, box.height / 3 + 1), (box.width - 7, box.height - 5), (box.width * 2 + 3, box.height * 3 / 2),
         (box.width / 2, box.height * 2), (1, 1), (box.width, box.height / 4)]
    }

    /// Resizes every crop to every target with `filter`, asks the reference for the same, and
    /// returns the worst difference seen (0 means bit-exact everywhere).
    private func worstDifference(
        filter: ResizeFilter, format: PixelFormat, op: String, reference: [String: Any]
    ) throws -> Int {
        let ref = try RasterReference()
        var jobs: [[String: Any]] = []
        var expected: [(String, Image)] = []
        for (index, (name, box)) in Self.crops.enumerated() {
            var image = try ref.photo(name, box: box)
            if format == .rgba8 { image = withSyntheticAlpha(image) }
            let input = try ref.write(image, as: "in-\(index).raw")
            for (ow, oh) in Self.targets(for: box) {
                let out = "out-\(index)-\(ow)x\(oh).raw"
                var job: [String: Any] = ["op": op, "in": input, "w": box.width, "h": box.height,
                                          "ow": ow, "oh": oh, "out": ref.path(out)]
                job.merge(reference) { _, new in new }
                jobs.append(job)
                expected.append((out, try image.resized(width: ow, height: oh, filter: filter)))
            }
        }
        try ref.run("resize_reference.py", jobs)
        var worst = 0
        for (file, mine) in expected {
            let diff = maxAbsDiff(mine.pixels, try ref.read(file))
            if diff > 0 { print("\(filter) \(format) \(file): max |diff| = \(diff)") }
            worst = max(worst, diff)
        }
        return worst
    }

    @Test(arguments: [ResizeFilter.bicubic, .bilinear, .nearest, .lanczos])
    func rgbMatchesPillowExactly(filter: ResizeFilter) throws {
        let worst = try worstDifference(filter: filter, format: .rgb8, op: "pil",
                                        reference: ["mode": "RGB", "filter": filter.rawValue])
        #expect(worst == 0)
    }

    @Test(arguments: [ResizeFilter.bicubic, .bilinear, .lanczos])
    func rgbaMatchesPillowPremultipliedResize(filter: ResizeFilter) throws {
        let worst = try worstDifference(filter: filter, format: .rgba8, op: "pil",
                                        reference: ["mode": "RGBA", "filter": filter.rawValue])
        #expect(worst == 0)
    }

    @Test func areaShrinkMatchesOpenCVExactly() throws {
        let ref = try RasterReference()
        let image = try ref.photo("astronaut.png", box: PixelBox(x: 180, y: 40, width: 96, height: 72))
        let input = try ref.write(image, as: "in.raw")
        // Integer factors take OpenCV's block route (2×2 rounds half up, others half to even); the
        // rest take its fractional-weight route.
        let targets = [(48, 36), (32, 24), (24, 18), (48, 72), (96, 24), (12, 9), (41, 30), (95, 71), (17, 50), (1, 1), (1, 72)]
        var jobs: [[String: Any]] = []
        for (ow, oh) in targets {
            jobs.append(["op": "cv", "in": input, "w": 96, "h": 72, "channels": 3, "ow": ow, "oh": oh,
                         "interpolation": "area", "out": ref.path("\(ow)x\(oh).raw")])
        }
        // RGBA is averaged premultiplied (as Pillow does for its filters), then divided back.
        var rgba = Image(width: 96, height: 72, format: .rgba8)
        let alpha = noiseBytes(96 * 72, seed: 5)
        for i in 0..<(96 * 72) {
            for c in 0..<3 { rgba.pixels[i * 4 + c] = image.pixels[i * 3 + c] }
            rgba.pixels[i * 4 + 3] = i % 96 < 20 ? 0 : alpha[i]
        }
        let rgbaInput = try ref.write(rgba, as: "in-rgba.raw")
        for (ow, oh) in targets {
            jobs.append(["op": "cv", "in": rgbaInput, "w": 96, "h": 72, "channels": 4, "ow": ow, "oh": oh,
                         "interpolation": "area", "premultiply": true, "out": ref.path("rgba-\(ow)x\(oh).raw")])
        }
        try ref.run("resize_reference.py", jobs)
        for (ow, oh) in targets {
            let mine = try image.resized(width: ow, height: oh, filter: .area)
            #expect(maxAbsDiff(mine.pixels, try ref.read("\(ow)x\(oh).raw")) == 0, "area \(ow)×\(oh)")
            let mineRGBA = try rgba.resized(width: ow, height: oh, filter: .area)
            #expect(maxAbsDiff(mineRGBA.pixels, try ref.read("rgba-\(ow)x\(oh).raw")) == 0, "RGBA area \(ow)×\(oh)")
        }
    }

    /// `.linear` is `cv2.resize(…, INTER_LINEAR)` on straight RGBA (X-Paste's cutout resize), bit
    /// for bit: a tiny 7 × 5 case, then shrinks and enlargements whose row widths take OpenCV's SIMD
    /// loops and its tail, and the exact halving it turns into INTER_AREA.
    @Test func linearMatchesOpenCVOnStraightRGBA() throws {
        let ref = try RasterReference()
        let photo = try ref.photo("chelsea.png", box: PixelBox(x: 120, y: 60, width: 96, height: 72))
        var rgba = Image(width: 96, height: 72, format: .rgba8)
        let alpha = noiseBytes(96 * 72, seed: 9)
        for i in 0..<(96 * 72) {
            for c in 0..<3 { rgba.pixels[i * 4 + c] = photo.pixels[i * 3 + c] }
            rgba.pixels[i * 4 + 3] = i % 96 < 20 ? 0 : alpha[i]
        }
        let tiny = try rgba.cropped(to: PixelBox(x: 17, y: 3, width: 7, height: 5))
        var jobs: [[String: Any]] = []
        let tinyInput = try ref.write(tiny, as: "tiny.raw")
        let tinyTargets = [(11, 9), (3, 2), (7, 5), (14, 10), (1, 1)]
        for (ow, oh) in tinyTargets {
            jobs.append(["op": "cv", "in": tinyInput, "w": 7, "h": 5, "channels": 4, "ow": ow, "oh": oh,
                         "interpolation": "linear", "out": ref.path("tiny-\(ow)x\(oh).raw")])
        }
        let input = try ref.write(rgba, as: "in.raw")
        let targets = [(48, 36), (41, 30), (95, 71), (17, 50), (150, 101), (5, 4), (2, 90), (33, 33), (1, 72)]
        for (ow, oh) in targets {
            jobs.append(["op": "cv", "in": input, "w": 96, "h": 72, "channels": 4, "ow": ow, "oh": oh,
                         "interpolation": "linear", "out": ref.path("\(ow)x\(oh).raw")])
        }
        try ref.run("resize_reference.py", jobs)
        for (ow, oh) in tinyTargets {
            let mine = try tiny.resized(width: ow, height: oh, filter: .linear)
            #expect(maxAbsDiff(mine.pixels, try ref.read("tiny-\(ow)x\(oh).raw")) == 0, "tiny linear \(ow)×\(oh)")
        }
        for (ow, oh) in targets {
            let mine = try rgba.resized(width: ow, height: oh, filter: .linear)
            #expect(maxAbsDiff(mine.pixels, try ref.read("\(ow)x\(oh).raw")) == 0, "linear \(ow)×\(oh)")
        }
    }

    @Test func areaOnMaskMatchesOpenCVAndEnlargingStaysWithinOne() throws {
        let ref = try RasterReference()
        let mask = try Mask(width: 45, height: 38, values: noiseBytes(45 * 38, seed: 7))
        let input = try ref.write(mask.values, as: "mask.raw")
        let shrink = [(15, 19), (22, 19), (30, 25)]
        let enlarge = [(90, 76), (100, 81), (137, 40), (60, 20), (45, 39)]
        var jobs: [[String: Any]] = []
        for (ow, oh) in shrink + enlarge {
            jobs.append(["op": "cv", "in": input, "w": 45, "h": 38, "channels": 1, "ow": ow, "oh": oh,
                         "interpolation": "area", "out": ref.path("\(ow)x\(oh).raw")])
        }
        try ref.run("resize_reference.py", jobs)
        for (ow, oh) in shrink {
            let mine = try mask.resized(width: ow, height: oh, filter: .area)
            #expect(maxAbsDiff(mine.values, try ref.read("\(ow)x\(oh).raw")) == 0, "area \(ow)×\(oh)")
        }
        // When an axis grows OpenCV uses the same weights in 11-bit fixed point with SIMD rounding
        // shortcuts; ours are 22-bit, so allow one level.
        for (ow, oh) in enlarge {
            let mine = try mask.resized(width: ow, height: oh, filter: .area)
            #expect(maxAbsDiff(mine.values, try ref.read("\(ow)x\(oh).raw")) <= 1, "area \(ow)×\(oh)")
        }
    }

    @Test func maskBilinearMatchesPillowL() throws {
        let ref = try RasterReference()
        let mask = try Mask(width: 40, height: 30, values: noiseBytes(1200, seed: 3))
        let input = try ref.write(mask.values, as: "mask.raw")
        let targets = [(320, 240), (13, 11), (40, 90)]
        var jobs: [[String: Any]] = []
        for (ow, oh) in targets {
            for filter in ["bilinear", "nearest", "bicubic"] {
                jobs.append(["op": "pil", "in": input, "w": 40, "h": 30, "mode": "L", "ow": ow, "oh": oh,
                             "filter": filter, "out": ref.path("\(filter)-\(ow)x\(oh).raw")])
            }
        }
        try ref.run("resize_reference.py", jobs)
        for (ow, oh) in targets {
            for filter in [ResizeFilter.bilinear, .nearest, .bicubic] {
                let mine = try mask.resized(width: ow, height: oh, filter: filter)
                #expect(mine.values == (try ref.read("\(filter.rawValue)-\(ow)x\(oh).raw")), "\(filter) \(ow)×\(oh)")
            }
        }
    }

    @Test func stridedRowsResizeLikePackedOnes() throws {
        let packed = try Image(width: 5, height: 4, format: .rgb8, pixels: noiseBytes(60, seed: 11))
        var padded: [UInt8] = []
        for y in 0..<4 { padded += packed.pixels[(y * 15)..<(y * 15 + 15)] + [9, 9] }
        let strided = try Image(width: 5, height: 4, format: .rgb8, stride: 17, pixels: padded)
        for filter in ResizeFilter.allCases {
            #expect(try strided.resized(width: 3, height: 7, filter: filter)
                    == packed.resized(width: 3, height: 7, filter: filter))
        }
    }

    @Test func shortestSideFollowsTorchvisionRounding() throws {
        let wide = Image(width: 300, height: 7, format: .rgb8)
        let tall = Image(width: 7, height: 10, format: .rgb8)
        #expect(try wide.resized(shortestSide: 4, filter: .bicubic).width == 171)  // ⌊4·300/7⌋
        #expect(try tall.resized(shortestSide: 4, filter: .bicubic).height == 5)  // ⌊4·10/7⌋
    }

    @Test func sameSizeAndBadSizes() throws {
        let image = Image(width: 3, height: 2, format: .rgba8, filledWith: [1, 2, 3, 4])
        #expect(try image.resized(width: 3, height: 2, filter: .bicubic) == image)
        #expect(throws: ImageError.self) { try image.resized(width: 0, height: 2, filter: .bilinear) }
        do {
            _ = try Image(width: 0, height: 0, format: .rgb8).resized(width: 2, height: 2, filter: .area)
            Issue.record("empty source accepted")
        } catch {
            #expect(error.code == "image.invalid_geometry")
        }
        let bits = try BinaryMask(width: 2, height: 1, bits: [0, 1])
        #expect(try bits.resized(width: 4, height: 1).bits == [0, 0, 1, 1])
    }

    @Test func constantImagesStayConstant() throws {
        // All weights sum to one (in fixed point), so flat colour survives every filter.
        let flat = Image(width: 13, height: 9, format: .rgba8, filledWith: [200, 100, 50, 255])
        for filter in ResizeFilter.allCases {
            for (w, h) in [(5, 4), (31, 20), (13, 30)] {
                let out = try flat.resized(width: w, height: h, filter: filter)
                #expect(out.pixel(x: w / 2, y: h / 2) == [200, 100, 50, 255], "\(filter) \(w)×\(h)")
                #expect(out.pixel(x: w - 1, y: h - 1) == [200, 100, 50, 255], "\(filter) \(w)×\(h)")
            }
        }
    }

    /// Adds a deterministic alpha channel with fully transparent, opaque and partial regions.
    private func withSyntheticAlpha(_ rgb: Image) -> Image {
        var rgba = Image(width: rgb.width, height: rgb.height, format: .rgba8)
        for y in 0..<rgb.height {
            for x in 0..<rgb.width {
                let p = rgb.pixel(x: x, y: y)
                let a: UInt8 = x < rgb.width / 5 ? 0 : (y < rgb.height / 4 ? 255 : UInt8((x * 7 + y * 13) % 256))
                rgba.setPixel(x: x, y: y, [p[0], p[1], p[2], a])
            }
        }
        return rgba
    }
}
