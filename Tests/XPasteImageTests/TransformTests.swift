import Testing
@testable import XPasteImage

/// Crop, flip and pad compared with NumPy slicing, plus the error rules.
@Suite struct TransformTests {
    @Test func imageTransformsMatchNumPy() throws {
        let ref = try RasterReference()
        let rgb = try Image(width: 11, height: 7, format: .rgb8, pixels: noiseBytes(11 * 7 * 3, seed: 1))
        let rgba = try Image(width: 6, height: 9, format: .rgba8, pixels: noiseBytes(6 * 9 * 4, seed: 2))
        let mask = try Mask(width: 13, height: 5, values: noiseBytes(65, seed: 3))
        let planes: [(String, Int, Int, Int, [UInt8])] = [
            ("rgb", 11, 7, 3, rgb.pixels), ("rgba", 6, 9, 4, rgba.pixels), ("mask", 13, 5, 1, mask.values),
        ]
        var jobs: [[String: Any]] = []
        for (name, w, h, c, bytes) in planes {
            let input = try ref.write(bytes, as: "\(name).raw")
            let base: [String: Any] = ["in": input, "w": w, "h": h, "channels": c]
            jobs.append(base.merging(["op": "crop", "box": [1, 2, w - 3, h - 2], "out": ref.path("\(name)-crop.raw")]) { $1 })
            jobs.append(base.merging(["op": "fliph", "out": ref.path("\(name)-fliph.raw")]) { $1 })
            jobs.append(base.merging(["op": "flipv", "out": ref.path("\(name)-flipv.raw")]) { $1 })
            jobs.append(base.merging(["op": "pad", "top": 2, "left": 0, "bottom": 1, "right": 3,
                                      "color": Array([7, 8, 9, 10].prefix(c)), "out": ref.path("\(name)-pad.raw")]) { $1 })
        }
        try ref.run("transform_reference.py", jobs)
        for image in [("rgb", rgb), ("rgba", rgba)] {
            let (name, img) = image
            let c = img.format.channels
            #expect(try img.cropped(to: PixelBox(x: 1, y: 2, width: img.width - 3, height: img.height - 2)).pixels
                    == ref.read("\(name)-crop.raw"))
            #expect(img.flippedHorizontally().pixels == (try ref.read("\(name)-fliph.raw")))
            #expect(img.flippedVertically().pixels == (try ref.read("\(name)-flipv.raw")))
            #expect(try img.padded(top: 2, left: 0, bottom: 1, right: 3, color: Array([7, 8, 9, 10].prefix(c))).pixels
                    == ref.read("\(name)-pad.raw"))
        }
        #expect(try mask.cropped(to: PixelBox(x: 1, y: 2, width: 10, height: 3)).values == ref.read("mask-crop.raw"))
        #expect(mask.flippedHorizontally().values == (try ref.read("mask-fliph.raw")))
        #expect(mask.flippedVertically().values == (try ref.read("mask-flipv.raw")))
        #expect(try mask.padded(top: 2, left: 0, bottom: 1, right: 3, value: 7).values == ref.read("mask-pad.raw"))
    }

    @Test func stridedSourcesGivePackedResults() throws {
        let strided = try Image(width: 2, height: 2, format: .rgb8, stride: 8,
                                pixels: [1, 2, 3, 4, 5, 6, 0, 0, 7, 8, 9, 10, 11, 12, 0, 0])
        #expect(strided.flippedHorizontally().pixels == [4, 5, 6, 1, 2, 3, 10, 11, 12, 7, 8, 9])
        #expect(strided.flippedVertically().pixels == [7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6])
        #expect(try strided.cropped(to: PixelBox(x: 1, y: 1, width: 1, height: 1)).pixels == [10, 11, 12])
        let padded = try strided.padded(top: 0, left: 1, bottom: 0, right: 0, color: [0, 0, 0])
        #expect(padded.stride == 9 && padded.pixels[3..<9] == [1, 2, 3, 4, 5, 6])
    }

    @Test func cropIsStrictAndSaysHowToClamp() throws {
        let image = Image(width: 4, height: 3, format: .rgb8)
        for box in [PixelBox(x: -1, y: 0, width: 2, height: 2), PixelBox(x: 3, y: 0, width: 2, height: 1),
                    PixelBox(x: 0, y: 2, width: 1, height: 2), PixelBox(x: 1, y: 1, width: 0, height: 1)] {
            do {
                _ = try image.cropped(to: box)
                Issue.record("\(box) accepted")
            } catch {
                #expect(error.code == "image.invalid_geometry")
                #expect(error.description.contains("intersect"))
            }
        }
        let clamped = try image.cropped(to: PixelBox(x: 2, y: -5, width: 9, height: 9).intersection(image.bounds)!)
        #expect(clamped.width == 2 && clamped.height == 3)
        #expect(throws: ImageError.self) { try BinaryMask(width: 2, height: 2).cropped(to: PixelBox(x: 0, y: 0, width: 3, height: 1)) }
    }

    @Test func padRejectsBadArguments() {
        let image = Image(width: 2, height: 2, format: .rgba8)
        #expect(throws: ImageError.invalidArgument("pad colour has 3 components, rgba8 needs 4")) {
            try image.padded(top: 1, left: 1, bottom: 1, right: 1, color: [1, 2, 3])
        }
        #expect(throws: ImageError.self) { try Mask(width: 1, height: 1).padded(top: -1, left: 0, bottom: 0, right: 0) }
    }

    @Test func binaryMaskTransforms() throws {
        let m = try BinaryMask(width: 3, height: 2, bits: [1, 0, 0, 0, 1, 1])
        #expect(m.flippedHorizontally().bits == [0, 0, 1, 1, 1, 0])
        #expect(m.flippedVertically().bits == [0, 1, 1, 1, 0, 0])
        #expect(try m.padded(top: 1, left: 0, bottom: 0, right: 1, filled: true).bits == [1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1])
        #expect(try m.cropped(to: PixelBox(x: 1, y: 0, width: 2, height: 2)).bits == [0, 0, 1, 1])
    }

    @Test func centerCropFollowsTorchvision() throws {
        var image = Image(width: 7, height: 4, format: .rgb8)
        for x in 0..<7 { image.setPixel(x: x, y: 0, [UInt8(x), 0, 0]) }
        // torchvision: left = round((7 − 4) / 2) = round(1.5) = 2 (half to even), top = round(0.5) = 0.
        let crop = try image.centerCropped(width: 4, height: 3)
        #expect(crop.pixel(x: 0, y: 0) == [2, 0, 0])
        #expect(PlaneTransform.centeredOrigin(size: 9, crop: 4) == 2)  // round(2.5) = 2
        #expect(PlaneTransform.centeredOrigin(size: 256, crop: 224) == 16)
    }
}
