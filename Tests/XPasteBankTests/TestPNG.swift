import Foundation

/// Writes small but real PNG files (zlib "stored" blocks, correct CRCs and Adler-32) so the bank
/// tests do not depend on the codec module. Pillow opens them, which the export round trip checks.
enum TestPNG {
    /// An 8-bit RGBA PNG of `pixels` (width × height × 4 bytes).
    static func rgba(width: Int, height: Int, pixels: [UInt8]) -> Data {
        precondition(pixels.count == width * height * 4)
        return encode(width: width, height: height, colorType: 6, channels: 4, pixels: pixels)
    }

    /// An 8-bit RGB PNG (no alpha), which the bank must refuse as a cutout.
    static func rgb(width: Int, height: Int, value: UInt8 = 128) -> Data {
        encode(width: width, height: height, colorType: 2, channels: 3, pixels: Array(repeating: value, count: width * height * 3))
    }

    /// A distinct RGBA cutout per `seed`: an opaque disc on transparency, colour from the seed.
    static func cutout(seed: Int, width: Int = 24, height: Int = 16) -> Data {
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        func next() -> UInt8 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
        let cx = Double(width - 1) / 2, cy = Double(height - 1) / 2, r = Double(min(width, height)) / 2
        for y in 0..<height {
            for x in 0..<width {
                let o = (y * width + x) * 4
                let d = ((Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy)).squareRoot()
                pixels[o] = next()
                pixels[o + 1] = next()
                pixels[o + 2] = UInt8(truncatingIfNeeded: seed)
                pixels[o + 3] = d <= r ? 255 : (d <= r + 1 ? 128 : 0)
            }
        }
        return rgba(width: width, height: height, pixels: pixels)
    }

    private static func encode(width: Int, height: Int, colorType: UInt8, channels: Int, pixels: [UInt8]) -> Data {
        var raw: [UInt8] = []
        raw.reserveCapacity((width * channels + 1) * height)
        for y in 0..<height {
            raw.append(0)
            raw.append(contentsOf: pixels[(y * width * channels)..<((y + 1) * width * channels)])
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65535, raw.count - offset)
            let last: UInt8 = offset + n == raw.count ? 1 : 0
            zlib += [last, UInt8(n & 0xff), UInt8(n >> 8), UInt8(~n & 0xff), UInt8((~n >> 8) & 0xff)]
            zlib += raw[offset..<(offset + n)]
            offset += n
        } while offset < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        zlib += be32(b << 16 | a)
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        out += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, colorType, 0, 0, 0])
        out += chunk("IDAT", zlib)
        out += chunk("IEND", [])
        return Data(out)
    }

    private static func be32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)]
    }

    private static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in body { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
        return be32(UInt32(data.count)) + body + be32(crc ^ 0xFFFF_FFFF)
    }
}
