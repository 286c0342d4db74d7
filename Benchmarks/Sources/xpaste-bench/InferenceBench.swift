import Foundation
import XPasteImage
import XPasteInference

/// `xpaste-bench inference VOCAB LVIS_JSON IMAGE…`: CLIP tokenizer throughput on every LVIS name,
/// synonym, definition and prompt, and CLIP preprocessing throughput on decoded photos (the same
/// work as Benchmarks/reference/clip_inference.py).
enum InferenceBench {
    static func run(_ args: [String]) throws {
        guard args.count >= 2 else {
            FileHandle.standardError.write(
                "usage: xpaste-bench inference BPE_VOCAB LVIS_CATEGORIES_JSON [IMAGE…]\n".data(using: .utf8)!)
            exit(2)
        }
        let tokenizer = try CLIPTokenizer(mergesPath: args[0])
        let texts = try corpus(lvis: args[1])
        let seconds = try BenchClock.median(warmup: 1, repeats: 5) {
            _ = try tokenizer.batch(texts)
        }
        BenchClock.report("clip_tokenize", items: texts.count, seconds: seconds)

        // Decoding is outside the timing on both sides; RGBA photos lose alpha as PIL's convert("RGB").
        let images = try args.dropFirst(2).map { path in try rgb(ImageCodec.decode(contentsOf: path)) }
        guard !images.isEmpty else { return }
        let preprocessor = CLIPPreprocessor()
        let rounds = 5
        let preprocessSeconds = try BenchClock.median(warmup: 1, repeats: 5) {
            for _ in 0..<rounds { for image in images { _ = try preprocessor.pixelValues(image) } }
        }
        BenchClock.report("clip_preprocess", items: rounds * images.count, seconds: preprocessSeconds)
    }

    static func rgb(_ image: Image) throws -> Image {
        guard image.format == .rgba8 else { return image }
        let p = image.packed().pixels
        var out = [UInt8]()
        out.reserveCapacity(image.pixelCount * 3)
        for i in 0..<image.pixelCount { out += p[(i * 4)..<(i * 4 + 3)] }
        return try Image(width: image.width, height: image.height, format: .rgb8, pixels: out)
    }

    static func corpus(lvis path: String) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let categories = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
        var texts: [String] = []
        for c in categories {
            let name = c["name"] as? String ?? ""
            texts.append(name)
            texts += c["synonyms"] as? [String] ?? []
            texts.append(c["def"] as? String ?? "")
            texts.append("a photo of \(name.replacingOccurrences(of: "_", with: " "))")
        }
        return texts
    }
}
