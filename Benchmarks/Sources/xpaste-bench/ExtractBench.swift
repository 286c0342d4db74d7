import Foundation
import XPasteImage
import XPasteInference

/// `xpaste-bench extract HORSE_PNG IMAGE…`: the extractor's post-processing per image — threshold
/// (> 128), largest 8-connected component with holes filled, soft alpha inside, crop, and the PNG
/// encode of the cutout (zlib level 6) — the same work as Benchmarks/reference/extract_postprocess.py
/// does with OpenCV and Pillow.
///
/// `classical_segment` times the classical segmenter on the same photos (no reference: for sizing).
///
/// Each photo gets the same soft mask on both sides: the horse silhouette (255 − red) resized to
/// the photo with the bilinear filter (Pillow-exact), plus a speck to drop and a hole to fill.
enum ExtractBench {
    static func run(_ args: [String]) throws {
        guard args.count >= 2 else {
            FileHandle.standardError.write("usage: xpaste-bench extract HORSE_PNG IMAGE…\n".data(using: .utf8)!)
            exit(2)
        }
        let horse = try ImageCodec.decode(contentsOf: args[0]).packed()
        var silhouette = Mask(width: horse.width, height: horse.height)
        for i in 0..<horse.pixelCount { silhouette.values[i] = 255 - horse.pixels[i * horse.format.channels] }
        // Decoding and the mask are outside the timing on both sides; RGBA photos lose alpha.
        let cases = try args.dropFirst().map { path -> (Image, Mask) in
            let image = try InferenceBench.rgb(ImageCodec.decode(contentsOf: path))
            return (image, try mask(silhouette, width: image.width, height: image.height))
        }
        let rounds = 3, items = rounds * cases.count
        let cleanup = try BenchClock.median {
            for _ in 0..<rounds { for (image, mask) in cases { _ = try ObjectCutout.cut(image, by: mask) } }
        }
        BenchClock.report("extract_cleanup", items: items, seconds: cleanup)
        let cutouts = try cases.map { try ObjectCutout.cut($0.0, by: $0.1)!.image }
        let encode = try BenchClock.median {
            for _ in 0..<rounds { for cutout in cutouts { _ = try ImageCodec.encodePNG(cutout, compressionLevel: 6) } }
        }
        BenchClock.report("extract_png_encode", items: items, seconds: encode)
        let total = try BenchClock.median {
            for _ in 0..<rounds {
                for (image, mask) in cases { _ = try ImageCodec.encodePNG(ObjectCutout.cut(image, by: mask)!.image, compressionLevel: 6) }
            }
        }
        BenchClock.report("extract_postprocess", items: items, seconds: total)
        // No reference has this segmenter; its rate is here to size extraction jobs.
        let classical = ClassicalSegmenter()
        let segment = try BenchClock.median(warmup: 1, repeats: 3) {
            for (image, _) in cases { _ = try classical.segment(image) }
        }
        BenchClock.report("classical_segment", items: cases.count, seconds: segment)
    }

    /// The silhouette at the photo's size with a speck (another component) and a hole.
    static func mask(_ silhouette: Mask, width w: Int, height h: Int) throws -> Mask {
        var mask = try silhouette.resized(width: w, height: h, filter: .bilinear)
        for y in (h / 50)..<(h / 50 + h / 25) { for x in (w / 50)..<(w / 50 + w / 25) { mask[x, y] = 200 } }
        for y in (h * 36 / 100)..<(h * 42 / 100) { for x in (w * 42 / 100)..<(w * 48 / 100) { mask[x, y] = 0 } }
        return mask
    }
}
