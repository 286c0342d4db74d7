import Foundation
import XPasteInference

/// `xpaste-bench inference VOCAB LVIS_JSON`: CLIP tokenizer throughput on every LVIS name,
/// synonym, definition and prompt (the same corpus as Benchmarks/reference/clip_inference.py).
enum InferenceBench {
    static func run(_ args: [String]) throws {
        guard args.count >= 2 else {
            FileHandle.standardError.write("usage: xpaste-bench inference BPE_VOCAB LVIS_CATEGORIES_JSON\n".data(using: .utf8)!)
            exit(2)
        }
        let tokenizer = try CLIPTokenizer(mergesPath: args[0])
        let texts = try corpus(lvis: args[1])
        let seconds = try BenchClock.median(warmup: 1, repeats: 5) {
            _ = try tokenizer.batch(texts)
        }
        BenchClock.report("clip_tokenize", items: texts.count, seconds: seconds)
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
