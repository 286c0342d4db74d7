// libFuzzer target: COCO compressed RLE strings and polygon rasterisation. The first bytes pick a
// mask size; the rest is an RLE counts string, then polygon coordinates. Any input must end in a
// mask or a typed ImageError.
import XPasteImage

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRLEPolygon(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard bytes.count >= 4 else { return 0 }
    let height = Int(bytes[0]) + 1, width = Int(bytes[1]) + 1
    let split = min(bytes.count, 4 + Int(bytes[2]))
    let text = String(decoding: bytes[4..<split], as: UTF8.self)
    if let rle = try? RLE(height: height, width: width, compressedCounts: text) {
        _ = try? rle.iou(rle)
        _ = try? RLE.merge([rle, RLE(emptyHeight: height, width: width)])
    }
    // Coordinates: signed bytes scaled, with a few specials (NaN, ±inf, huge) picked by bytes[3].
    var ring: [Double] = []
    for b in bytes[split...] {
        switch (b, bytes[3] & 7) {
        case (0xFF, 1): ring.append(.nan)
        case (0xFF, 2): ring.append(.infinity)
        case (0xFF, 3): ring.append(-1e300)
        default: ring.append(Double(Int8(bitPattern: b)) * 1.7 + Double(width) / 2)
        }
    }
    _ = try? PolygonRasterizer.counts(ring: ring, height: height, width: width)
    _ = try? RLE(polygons: [ring, Array(ring.reversed())], height: height, width: width)
    return 0
}
