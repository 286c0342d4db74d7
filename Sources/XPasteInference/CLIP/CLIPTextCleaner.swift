import Foundation

/// The text clean-up CLIP's tokenizer applies before splitting words, reproduced from its
/// reference (`ftfy.fix_text`, `html.unescape` twice, strip, collapse whitespace, Python's `lower()`)
/// so that token ids match.
///
/// ftfy's mojibake repair (`fix_encoding`: re-decoding text that was decoded with the wrong
/// codec) is not reproduced: on text that looks like mojibake ("cafÃ©") the ids can differ.
/// Every other ftfy step that runs by default is: HTML entities (when the line has no `<`), C1
/// controls as Windows-1252, Latin ligatures, full/half-width forms, curly quotes, line breaks,
/// terminal escapes, control characters, NFC.
public enum CLIPTextCleaner {
    /// The cleaned, lower-cased text the word splitter sees.
    public static func clean(_ text: String) -> String {
        if let fast = cleanASCII(text) { return fast }
        var t = fixText(text)
        t = htmlUnescape(htmlUnescape(t))
        t = strip(t)
        t = collapseWhitespace(t)
        return pythonLower(t)
    }

    /// The whole clean-up for ASCII text without `&` or ESC, where ftfy, `html.unescape` and NFC
    /// reduce to dropping control characters; nil for any other text.
    static func cleanASCII(_ text: String) -> String? {
        var out: [UInt8] = []
        let ascii = text.utf8.withContiguousStorageIfAvailable { cleanASCII($0, into: &out) }
            ?? Array(text.utf8).withUnsafeBufferPointer { cleanASCII($0, into: &out) }
        return ascii ? String(decoding: out, as: UTF8.self) : nil
    }

    private static func cleanASCII(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        out.reserveCapacity(bytes.count)
        var pendingSpace = false
        for b in bytes {
            if b >= 0x80 || b == UInt8(ascii: "&") || b == 0x1B { return false }
            // ftfy drops these control characters (tab, LF, VT→dropped, FF, CR stay whitespace).
            if b < 0x09 || b == 0x0B || (b >= 0x0E && b < 0x20) || b == 0x7F { continue }
            if b == 0x20 || (b >= 0x09 && b <= 0x0D) {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.append(0x20)
                pendingSpace = false
            }
            out.append(b >= 0x41 && b <= 0x5A ? b + 32 : b)
        }
        return true
    }

    // MARK: ftfy.fix_text

    /// ftfy's default fixes, line by line as ftfy segments them.
    static func fixText(_ text: String) -> String {
        var out = ""
        var unescape = true
        // ftfy turns HTML unescaping off for good at the first line holding a "<".
        for segment in linesKeepingBreaks(text) {
            if unescape && segment.unicodeScalars.contains("<") { unescape = false }
            out += fixSegment(segment, unescapeHTML: unescape)
        }
        return out
    }

    private static func linesKeepingBreaks(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            current.append(s)
            if s == "\n" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }

    private static func fixSegment(_ segment: String, unescapeHTML: Bool) -> String {
        var text = segment
        // ftfy repeats its fixes until nothing changes.
        for _ in 0..<16 {
            let original = text
            if unescapeHTML { text = ftfyUnescape(text) }
            var scalars = String.UnicodeScalarView()
            for s in text.unicodeScalars {
                let v = s.value
                if v >= 0x80 && v <= 0x9F, let mapped = windows1252[v] {
                    scalars.append(mapped)  // fix_c1_controls
                } else if let expansion = ligatures[v] {
                    scalars.append(contentsOf: expansion.unicodeScalars)
                } else if let narrow = widthMap(s) {
                    scalars.append(contentsOf: narrow.unicodeScalars)
                } else {
                    scalars.append(s)
                }
            }
            text = String(scalars)
            text = uncurlQuotes(text)
            text = fixLineBreaks(text)
            text = removeTerminalEscapes(text)
            text = String(String.UnicodeScalarView(text.unicodeScalars.filter { !isControlToRemove($0.value) }))
            // Nothing below U+0300 composes or decomposes, so most text skips the NFC pass.
            if text.unicodeScalars.contains(where: { $0.value >= 0x300 }) {
                text = text.precomposedStringWithCanonicalMapping
            }
            if text.unicodeScalars.elementsEqual(original.unicodeScalars) { break }
        }
        return text
    }

    /// ftfy's `unescape_html`: `&#?[0-9A-Za-z]{1,24};` replaced when it names an entity.
    static func ftfyUnescape(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "&" {
                var j = i + 1
                if j < scalars.count && scalars[j] == "#" { j += 1 }
                let start = j
                while j < scalars.count && j - start < 24 && isASCIIAlphanumeric(scalars[j]) { j += 1 }
                if j > start && j < scalars.count && scalars[j] == ";" {
                    let entity = String(String.UnicodeScalarView(scalars[i...j]))
                    out.append(contentsOf: ftfyEntity(entity).unicodeScalars)
                    i = j + 1
                    continue
                }
            }
            out.append(scalars[i])
            i += 1
        }
        return String(out)
    }

    private static func ftfyEntity(_ entity: String) -> String {
        if let named = ftfyEntities[entity] { return named }
        if entity.hasPrefix("&#") {
            let decoded = htmlUnescape(entity)
            return decoded.contains(";") ? entity : decoded
        }
        return entity
    }

    /// ftfy's entity table: every HTML5 name with its `;`, plus the all-caps spelling of lower-case
    /// names when that spelling means nothing to `html.unescape` (`&NTILDE;` → "Ñ").
    private static let ftfyEntities: [String: String] = {
        var table: [String: String] = [:]
        for (name, value) in HTMLEntities.table where name.hasSuffix(";") {
            table["&" + name] = value
        }
        for (name, value) in HTMLEntities.table where name.hasSuffix(";") && name == pythonLower(name) {
            let upper = "&" + name.uppercased()
            if htmlUnescape(upper) == upper { table[upper] = value.uppercased() }
        }
        return table
    }()

    private static let ligatures: [UInt32: String] = [
        0x132: "IJ", 0x133: "ij", 0x149: "\u{2BC}n", 0x1F1: "DZ", 0x1F2: "Dz", 0x1F3: "dz", 0x1C4: "D\u{17D}",
        0x1C5: "D\u{17E}", 0x1C6: "d\u{17E}", 0x1C7: "LJ", 0x1C8: "Lj", 0x1C9: "lj", 0x1CA: "NJ", 0x1CB: "Nj",
        0x1CC: "nj", 0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "\u{17F}t",
        0xFB06: "st",
    ]

    /// ftfy's width map: U+3000 → space, and U+FF01…U+FFEF to their NFKC forms where those differ.
    private static func widthMap(_ s: Unicode.Scalar) -> String? {
        if s.value == 0x3000 { return " " }
        guard s.value >= 0xFF01 && s.value < 0xFFF0 else { return nil }
        let alternate = String(Character(s)).precomposedStringWithCompatibilityMapping
        return alternate.unicodeScalars.elementsEqual([s]) ? nil : alternate
    }

    private static func uncurlQuotes(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { s -> Unicode.Scalar in
            switch s.value {
            case 0x2BC, 0x2018...0x201B: "'"
            case 0x201C...0x201F: "\""
            default: s
            }
        }))
    }

    private static func fixLineBreaks(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let v = scalars[i].value
            if v == 0x0D {
                out.append("\n")
                if i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }
            } else if v == 0x2028 || v == 0x2029 || v == 0x85 {
                out.append("\n")
            } else {
                out.append(scalars[i])
            }
            i += 1
        }
        return String(out)
    }

    /// ftfy's `ANSI_RE`: ESC `[` then digits and semicolons, then one ASCII letter.
    private static func removeTerminalEscapes(_ text: String) -> String {
        guard text.utf8.contains(0x1B) else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "\u{1B}" && i + 1 < scalars.count && scalars[i + 1] == "[" {
                var j = i + 2
                while j < scalars.count && (scalars[j] == ";" || ("0"..."9").contains(scalars[j])) { j += 1 }
                if j < scalars.count && (("a"..."z").contains(scalars[j]) || ("A"..."Z").contains(scalars[j])) {
                    i = j + 1
                    continue
                }
            }
            out.append(scalars[i])
            i += 1
        }
        return String(out)
    }

    private static func isControlToRemove(_ v: UInt32) -> Bool {
        v < 0x09 || v == 0x0B || (v >= 0x0E && v < 0x20) || v == 0x7F || (v >= 0x206A && v < 0x2070) || v == 0xFEFF
            || (v >= 0xFFF9 && v < 0xFFFD)
    }

    // MARK: html.unescape

    /// Python's `html.unescape`: numeric and named character references, with the HTML5 rules for
    /// invalid code points and for legacy names without `;`.
    static func htmlUnescape(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            guard scalars[i] == "&", i + 1 < scalars.count else {
                out.append(scalars[i])
                i += 1
                continue
            }
            if scalars[i + 1] == "#" {
                let hex = i + 2 < scalars.count && (scalars[i + 2] == "x" || scalars[i + 2] == "X")
                var j = i + (hex ? 3 : 2)
                let start = j
                while j < scalars.count && (hex ? scalars[j].properties.isASCIIHexDigit : ("0"..."9").contains(scalars[j])) {
                    j += 1
                }
                if j > start {
                    let digits = String(String.UnicodeScalarView(scalars[start..<j]))
                    if j < scalars.count && scalars[j] == ";" { j += 1 }
                    out.append(contentsOf: numericReference(digits, radix: hex ? 16 : 10).unicodeScalars)
                    i = j
                    continue
                }
                out.append(scalars[i])
                i += 1
                continue
            }
            // [^\t\n\f <&#;]{1,32};?
            var j = i + 1
            while j < scalars.count && j - (i + 1) < 32 && !"\t\n\u{0C} <&#;".unicodeScalars.contains(scalars[j]) { j += 1 }
            guard j > i + 1 else {
                out.append(scalars[i])
                i += 1
                continue
            }
            if j < scalars.count && scalars[j] == ";" { j += 1 }
            let name = Array(scalars[(i + 1)..<j])
            out.append(contentsOf: namedReference(name).unicodeScalars)
            i = j
        }
        return String(out)
    }

    private static func numericReference(_ digits: String, radix: Int) -> String {
        // Anything past U+10FFFF is invalid; cap the parse so huge numbers cannot overflow.
        var value: UInt64 = 0
        for c in digits.unicodeScalars {
            value = min(value * UInt64(radix) + UInt64(Int(String(c), radix: radix)!), 0x7FFF_FFFF)
        }
        let v = UInt32(value)
        if v == 0 { return "\u{FFFD}" }
        if v == 0x0D { return "\r" }
        if v >= 0x80 && v <= 0x9F, let mapped = windows1252[v] { return String(Character(mapped)) }
        if (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF { return "\u{FFFD}" }
        if (v >= 0x1 && v <= 0x8) || (v >= 0xE && v <= 0x1F) || v == 0x7F || (v >= 0xFDD0 && v <= 0xFDEF) || v == 0xB
            || (v & 0xFFFE) == 0xFFFE {
            return ""
        }
        return String(Character(Unicode.Scalar(v)!))
    }

    private static func namedReference(_ name: [Unicode.Scalar]) -> String {
        let full = String(String.UnicodeScalarView(name))
        if let value = HTMLEntities.table[full] { return value }
        // The longest prefix that is a (legacy, `;`-less) name, then the rest as is.
        if name.count > 2 {
            for x in stride(from: name.count - 1, through: 2, by: -1) {
                if let value = HTMLEntities.table[String(String.UnicodeScalarView(name[0..<x]))] {
                    return value + String(String.UnicodeScalarView(name[x...]))
                }
            }
        }
        return "&" + full
    }

    /// Windows-1252 for 0x80…0x9F, keeping the five undefined bytes as themselves (Python's
    /// `_invalid_charrefs`, and ftfy's "sloppy" codec).
    private static let windows1252: [UInt32: Unicode.Scalar] = {
        let values: [UInt32] = [
            0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160, 0x2039, 0x152, 0x8D,
            0x17D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x2DC, 0x2122, 0x161, 0x203A,
            0x153, 0x9D, 0x17E, 0x178,
        ]
        var table: [UInt32: Unicode.Scalar] = [:]
        for (k, v) in values.enumerated() { table[0x80 + UInt32(k)] = Unicode.Scalar(v)! }
        return table
    }()

    private static func isASCIIAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(s) || ("a"..."z").contains(s) || ("A"..."Z").contains(s)
    }

    // MARK: whitespace and case

    /// Python's `str.isspace()` characters (what `strip()` removes).
    static func isPythonSpace(_ s: Unicode.Scalar) -> Bool {
        isRegexSpace(s) || (s.value >= 0x1C && s.value <= 0x1F)
    }

    /// The `regex` module's `\s` (Unicode White_Space).
    static func isRegexSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    static func strip(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.firstIndex(where: { !isPythonSpace($0) }),
              let last = scalars.lastIndex(where: { !isPythonSpace($0) }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }

    /// `regex.sub(r"\s+", " ", text).strip()`.
    static func collapseWhitespace(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var inSpace = false
        for s in text.unicodeScalars {
            if isRegexSpace(s) {
                if !inSpace { out.append(" ") }
                inSpace = true
            } else {
                out.append(s)
                inSpace = false
            }
        }
        return strip(String(out))
    }

    /// Python's `str.lower()`: full lower-case mappings plus the final-sigma rule.
    static func pythonLower(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (i, s) in scalars.enumerated() {
            if s.value == 0x3A3 {
                out.append(isFinalSigma(scalars, at: i) ? "\u{3C2}" : "\u{3C3}")
            } else if s.isASCII {
                out.append(("A"..."Z").contains(s) ? Unicode.Scalar(s.value + 32)! : s)
            } else {
                out.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(out)
    }

    /// Σ is final when a cased letter precedes it and none follows it (case-ignorable characters
    /// skipped on both sides), as CPython decides it.
    private static func isFinalSigma(_ scalars: [Unicode.Scalar], at i: Int) -> Bool {
        var j = i - 1
        while j >= 0 && scalars[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0 && scalars[j].properties.isCased else { return false }
        j = i + 1
        while j < scalars.count && scalars[j].properties.isCaseIgnorable { j += 1 }
        return j == scalars.count || !scalars[j].properties.isCased
    }
}
