import Testing
@testable import XPasteImage

/// Alpha compositing checked pixel by pixel against the documented formula evaluated in double
/// precision, on constructed cases: every border, negative offsets, alpha 0 / 255 / in between.
@Suite struct CompositeTests {
    /// The documented rule, written independently of the kernel.
    static func expected(_ destination: Image, _ patch: Image, x: Int, y: Int, mask: Mask?) -> Image {
        var out = destination
        for py in 0..<patch.height {
            for px in 0..<patch.width {
                let dx = x + px, dy = y + py
                guard dx >= 0, dy >= 0, dx < destination.width, dy < destination.height else { continue }
                let s = patch.pixel(x: px, y: py).map(Double.init)
                var a = patch.format == .rgba8 ? s[3] : 255
                if let mask {
                    let m = Double(mask[px, py])
                    a = patch.format == .rgba8 ? (a * m / 255).rounded() : m
                }
                if a == 0 { continue }
                let d = destination.pixel(x: dx, y: dy).map(Double.init)
                var result = [UInt8]()
                if destination.format == .rgb8 {
                    for c in 0..<3 { result.append(UInt8(((s[c] * a + d[c] * (255 - a)) / 255).rounded())) }
                } else {
                    let b = d[3], scaledAlpha = a * 255 + b * (255 - a)
                    for c in 0..<3 { result.append(UInt8(((s[c] * a * 255 + d[c] * b * (255 - a)) / scaledAlpha).rounded())) }
                    result.append(UInt8((scaledAlpha / 255).rounded()))
                }
                out.setPixel(x: dx, y: dy, result)
            }
        }
        return out
    }

    /// A patch whose alpha covers 0, 255 and mid values in a fixed pattern.
    static func patch(width: Int, height: Int, format: PixelFormat, seed: UInt64) throws -> Image {
        var bytes = noiseBytes(width * height * format.channels, seed: seed)
        if format == .rgba8 {
            for i in 0..<(width * height) {
                bytes[i * 4 + 3] = [0, 255, bytes[i * 4 + 3], 1, 254, 128][i % 6]
            }
        }
        return try Image(width: width, height: height, format: format, pixels: bytes)
    }

    /// Offsets that clip at each of the four borders, at corners, fully inside, and miss entirely.
    static let offsets = [(-3, -2), (5, -4), (14, 3), (2, 9), (-4, 5), (12, 8), (3, 2), (-9, 0), (0, 20), (20, 0)]

    @Test(arguments: [PixelFormat.rgb8, .rgba8])
    func rgbaPatchOverDestination(destinationFormat: PixelFormat) throws {
        let patch = try Self.patch(width: 7, height: 6, format: .rgba8, seed: 4)
        let base = try Image(width: 17, height: 11, format: destinationFormat,
                             pixels: noiseBytes(17 * 11 * destinationFormat.channels, seed: 8))
        for (x, y) in Self.offsets {
            var out = base
            let region = try out.composite(patch, atX: x, y: y)
            #expect(out == Self.expected(base, patch, x: x, y: y, mask: nil), "offset \(x), \(y)")
            #expect(region == base.bounds.intersection(PixelBox(x: x, y: y, width: 7, height: 6)))
        }
    }

    @Test(arguments: [PixelFormat.rgb8, .rgba8])
    func patchWithSoftMask(patchFormat: PixelFormat) throws {
        let patch = try Self.patch(width: 6, height: 5, format: patchFormat, seed: 12)
        var mask = try Mask(width: 6, height: 5, values: noiseBytes(30, seed: 13))
        mask[0, 0] = 0
        mask[1, 0] = 255
        let base = try Image(width: 17, height: 11, format: .rgb8, pixels: noiseBytes(17 * 11 * 3, seed: 14))
        for (x, y) in Self.offsets {
            var out = base
            try out.composite(patch, atX: x, y: y, mask: mask)
            #expect(out == Self.expected(base, patch, x: x, y: y, mask: mask), "offset \(x), \(y)")
        }
    }

    @Test func opaqueRGBPatchIsACopy() throws {
        let patch = try Image(width: 2, height: 2, format: .rgb8, pixels: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        var out = Image(width: 3, height: 3, format: .rgb8, filledWith: [200, 200, 200])
        #expect(try out.composite(patch, atX: 1, y: -1) == PixelBox(x: 1, y: 0, width: 2, height: 1))
        #expect(out.pixel(x: 1, y: 0) == [7, 8, 9])
        #expect(out.pixel(x: 2, y: 0) == [10, 11, 12])
        #expect(out.pixel(x: 0, y: 0) == [200, 200, 200])
        #expect(try out.composite(patch, atX: -2, y: 0) == nil)
    }

    @Test func transparentDestinationTakesTheSource() throws {
        // Over a fully transparent pixel the source colour survives unchanged at any alpha.
        var out = Image(width: 1, height: 1, format: .rgba8)
        let patch = try Image(width: 1, height: 1, format: .rgba8, pixels: [90, 180, 33, 77])
        try out.composite(patch, atX: 0, y: 0)
        #expect(out.pixels == [90, 180, 33, 77])
    }

    @Test func div255IsExactRounding() {
        for x in 0...(255 * 255) {
            let exact = UInt32((Double(x) / 255).rounded())
            if AlphaCompositor.div255(UInt32(x)) != exact {
                Issue.record("div255(\(x)) = \(AlphaCompositor.div255(UInt32(x))), expected \(exact)")
                return
            }
        }
    }

    @Test func maskSizeMismatchThrows() {
        var out = Image(width: 4, height: 4, format: .rgb8)
        let patch = Image(width: 2, height: 2, format: .rgb8)
        #expect(throws: ImageError.self) { try out.composite(patch, atX: 0, y: 0, mask: Mask(width: 2, height: 3)) }
    }
}

/// Moving alpha between images and masks.
@Suite struct AlphaChannelTests {
    @Test func alphaRoundTrip() throws {
        let rgb = try Image(width: 2, height: 2, format: .rgb8, stride: 7,
                            pixels: [1, 2, 3, 4, 5, 6, 0, 7, 8, 9, 10, 11, 12, 0])
        let alpha = try Mask(width: 2, height: 2, values: [0, 100, 200, 255])
        let rgba = try rgb.withAlpha(alpha)
        #expect(rgba.pixels == [1, 2, 3, 0, 4, 5, 6, 100, 7, 8, 9, 200, 10, 11, 12, 255])
        #expect(rgba.alphaChannel() == alpha)
        #expect(rgb.alphaChannel() == nil)
        #expect(try rgba.withAlpha(Mask(width: 2, height: 2, value: 9)).alphaChannel()?.values == [9, 9, 9, 9])
        #expect(throws: ImageError.self) { try rgb.withAlpha(Mask(width: 1, height: 2)) }
    }
}
