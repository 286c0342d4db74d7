// libFuzzer target: PNG, JPEG and WebP decoding under small decode limits, header-only probing and
// mask decoding. Any input must end in an image or a typed ImageError, within the limits.
import XPasteImage

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImageDecode(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = DecodeLimits(maxPixels: 4_000_000, maxInputBytes: 1 << 20)
    _ = try? ImageCodec.info(bytes)
    if let image = try? ImageCodec.decode(bytes, limits: limits) {
        precondition(image.width * image.height <= limits.maxPixels, "decoded past the pixel limit")
    }
    _ = try? ImageCodec.decodeMask(bytes, limits: limits)
    return 0
}
