/// Splits cleaned text into CLIP's pre-tokens, the matches of CLIP's pattern
/// `<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`
/// (case-insensitive), scanned code point by code point as Python's `regex` does.
enum CLIPWordSplitter {
    /// One pre-token: a special token, or text to byte-encode and merge.
    enum Piece {
        case startOfText
        case endOfText
        case text(String.UnicodeScalarView.SubSequence)
    }

    static func split(_ text: String) -> [Piece] {
        let scalars = text.unicodeScalars
        var pieces: [Piece] = []
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let c = scalars[i]
            if CLIPTextCleaner.isRegexSpace(c) {
                i = scalars.index(after: i)
                continue
            }
            if c == "<" {
                if let end = match(scalars, at: i, "<|startoftext|>") {
                    pieces.append(.startOfText)
                    i = end
                    continue
                }
                if let end = match(scalars, at: i, "<|endoftext|>") {
                    pieces.append(.endOfText)
                    i = end
                    continue
                }
            }
            if c == "'" {
                var matched: String.UnicodeScalarView.Index?
                for suffix in ["s", "t", "re", "ve", "m", "ll", "d"] {
                    if let end = match(scalars, at: scalars.index(after: i), suffix) {
                        matched = end
                        break
                    }
                }
                if let end = matched {
                    pieces.append(.text(scalars[i..<end]))
                    i = end
                    continue
                }
            }
            var j = scalars.index(after: i)
            if isLetter(c) {
                while j < scalars.endIndex && isLetter(scalars[j]) { j = scalars.index(after: j) }
            } else if !isNumber(c) {
                while j < scalars.endIndex, case let d = scalars[j], !CLIPTextCleaner.isRegexSpace(d), !isLetter(d), !isNumber(d) {
                    j = scalars.index(after: j)
                }
            }
            pieces.append(.text(scalars[i..<j]))
            i = j
        }
        return pieces
    }

    /// The end of `literal` when the text at `i` matches it case-insensitively, else nil.
    private static func match(
        _ scalars: String.UnicodeScalarView, at i: String.UnicodeScalarView.Index, _ literal: String
    ) -> String.UnicodeScalarView.Index? {
        var k = i
        for expected in literal.unicodeScalars {
            guard k < scalars.endIndex, foldsEqual(scalars[k], expected) else { return nil }
            k = scalars.index(after: k)
        }
        return k
    }

    /// Case-insensitive equality with an ASCII letter of the pattern, as `regex`'s IGNORECASE
    /// folds: the long s (ſ) matches "s" and the Kelvin sign matches "k".
    private static func foldsEqual(_ a: Unicode.Scalar, _ ascii: Unicode.Scalar) -> Bool {
        if a == ascii { return true }
        if ("a"..."z").contains(ascii) && a.value == ascii.value - 32 { return true }
        if ascii == "s" && a.value == 0x17F { return true }
        if ascii == "k" && a.value == 0x212A { return true }
        return false
    }

    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }

    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: true
        default: false
        }
    }
}
