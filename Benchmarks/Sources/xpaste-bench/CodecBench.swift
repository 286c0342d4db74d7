import Foundation
import XPasteImage

/// `xpaste-bench codecs JPEG PNG`: decode and encode timings on the files that
/// `Benchmarks/reference/codec_bench.py --make-inputs` writes, matching that script's loops.
enum CodecBench {
    /// Images per timed sample, as in codec_bench.py.
    static let repeatCount = 20

    static func run(_ args: [String]) throws {
        guard args.count == 2 else {
            throw CodecBenchUsage(description: "usage: xpaste-bench codecs PHOTO.jpg CUTOUT.png")
        }
        let jpeg = try ImageCodec.readFile(args[0])
        let png = try ImageCodec.readFile(args[1])
        let photo = try ImageCodec.decode(jpeg)
        let cutout = try ImageCodec.decode(png)

        let n = repeatCount
        BenchClock.report("codec.jpeg_decode_1024x768", items: n, seconds: try BenchClock.median {
            for _ in 0..<n { _ = try ImageCodec.decode(jpeg) }
        })
        BenchClock.report("codec.jpeg_encode_q90_1024x768", items: n, seconds: try BenchClock.median {
            for _ in 0..<n { _ = try ImageCodec.encodeJPEG(photo, quality: 90) }
        })
        BenchClock.report("codec.png_decode_rgba_384", items: n, seconds: try BenchClock.median {
            for _ in 0..<n { _ = try ImageCodec.decode(png) }
        })
        BenchClock.report("codec.png_encode_rgba_384_level6", items: n, seconds: try BenchClock.median {
            for _ in 0..<n { _ = try ImageCodec.encodePNG(cutout, compressionLevel: 6) }
        })
    }
}

/// Wrong command-line arguments for the codec group.
struct CodecBenchUsage: Error, CustomStringConvertible {
    let description: String
}
