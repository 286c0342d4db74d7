import Foundation
import Testing
@testable import XPasteLVIS
import XPasteTestSupport

@Suite struct JSONScannerTests {
    /// Scans `text` through a file read in `chunk`-byte pieces, so tokens straddle refills.
    private func scanner(_ text: String, chunk: Int) throws -> JSONScanner {
        let dir = try LVISFixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("x.json")
        try Data(text.utf8).write(to: url)
        return try JSONScanner(path: url.path, chunkSize: chunk)
    }

    @Test func numbersAreCorrectlyRounded() throws {
        var rng = SplitMix64(seed: 7)
        var texts: [String] = ["0", "-0", "0.1", "1e22", "1e23", "9007199254740993", "123456789012345678901234567890",
                               "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308", "0.000001234",
                               "358.63", "-12.5E+3", "1E-7", "3.14159265358979323846"]
        for _ in 0..<2000 {
            let mantissa = Int.random(in: 0...999_999_999, using: &rng)
            let scale = Int.random(in: 0...12, using: &rng)
            let exp = Int.random(in: -30...30, using: &rng)
            texts.append("\(mantissa)e\(exp)")
            var d = String(mantissa)
            if scale > 0 && scale < d.count { d.insert(".", at: d.index(d.endIndex, offsetBy: -scale)) }
            texts.append(d)
        }
        let json = "[" + texts.joined(separator: ",") + "]"
        for chunk in [5, 1 << 16] {
            var s = try scanner(json, chunk: chunk)
            let values = try s.readDoubleArray()
            #expect(values.count == texts.count)
            for (t, v) in zip(texts, values) {
                #expect(v.bitPattern == Double(t)!.bitPattern, "\(t)")
            }
        }
    }

    @Test func invalidNumbersAreRejected() {
        for bad in ["01", "1.", ".5", "-", "1e", "1e+", "--1", "1e400"] {
            var s = JSONScanner(bytes: bad.bytes)
            #expect(throws: JSONSyntaxError.self, "\(bad)") { _ = try s.readDouble() }
        }
    }

    @Test func integersAcceptIntegralFloatsOnly() throws {
        var s = JSONScanner(bytes: "[640, 640.0, -3, 9223372036854775807]".bytes)
        #expect(try s.readIntArray() == [640, 640, -3, Int.max])
        var t = JSONScanner(bytes: "640.5".bytes)
        #expect(throws: JSONSyntaxError.self) { _ = try t.readInt() }
    }

    @Test func stringsDecodeEscapesAcrossChunks() throws {
        let json = #"["plain", "tab\tquote\"slash\/back\\", "\u00e9\u4e2d", "\ud83d\ude00 ok", "naïve ☃", "RLE`\\o0"]"#
        for chunk in [3, 4, 7, 1 << 16] {
            var s = try scanner(json, chunk: chunk)
            let strings = try s.readStringArray()
            #expect(strings == ["plain", "tab\tquote\"slash/back\\", "é中", "😀 ok", "naïve ☃", "RLE`\\o0"], "chunk \(chunk)")
        }
    }

    @Test func badStringsAreRejectedWithOffsets() {
        var s = JSONScanner(bytes: #"  "abc\x" "#.bytes)
        do {
            _ = try s.readString()
            Issue.record("accepted a bad escape")
        } catch {
            #expect(error.offset == 6)
        }
        var t = JSONScanner(bytes: "\"\\ud800 x\"".bytes)
        #expect(throws: JSONSyntaxError.self) { _ = try t.readString() }
        var u = JSONScanner(bytes: "\"unterminated".bytes)
        #expect(throws: JSONSyntaxError.self) { _ = try u.readString() }
        var v = JSONScanner(bytes: "\"a\nb\"".bytes)
        #expect(throws: JSONSyntaxError.self) { _ = try v.readString() }
    }

    @Test func longTokensGrowTheBuffer() throws {
        let long = String(repeating: "x", count: 10_000)
        var s = try scanner("{\"k\": \"\(long)\", \"n\": 1}", chunk: 64)
        try s.beginObject()
        var first = true
        var seen: [String: String] = [:]
        while let key = try s.nextKey(first: &first) {
            let name = key.string
            seen[name] = name == "k" ? try s.readString() : String(try s.readInt())
        }
        #expect(seen == ["k": long, "n": "1"])
    }

    @Test func skipValueHandlesEveryKind() throws {
        var s = try scanner(#"[{"a": [1, 2, {"b": null}], "c": "}]"}, true, false, null, -1.5e3, "x"] 7"#, chunk: 4)
        try s.skipValue()
        #expect(try s.readInt() == 7)
        try s.expectEnd()
    }

    @Test func structuralErrorsAreReported() {
        for bad in ["[0x10]", "[1 2]", "[1,]", "{\"a\" 1}", "{\"a\": 1,}", "[", "{", "{1: 2}"] {
            var s = JSONScanner(bytes: bad.bytes)
            #expect(throws: JSONSyntaxError.self, "\(bad)") { try s.skipValue() }
        }
    }

    @Test func outputRoundTripsThroughTheScanner() throws {
        var out = JSONOutput()
        out.byte(0x5B)
        out.string("quote\" back\\ nl\n ctl\u{01} é 😀")
        out.comma()
        out.double(12.0)
        out.comma()
        out.double(0.1)
        out.comma()
        out.double(-0.0)
        out.comma()
        out.double(1e-7)
        out.comma()
        out.int(Int.min)
        out.byte(0x5D)
        #expect(String(decoding: out.bytes, as: UTF8.self)
            == #"["quote\" back\\ nl\n ctl\u0001 é 😀",12,0.1,-0,1e-07,-9223372036854775808]"#)
        var s = JSONScanner(bytes: out.bytes)
        try s.beginArray()
        var first = true
        _ = try s.nextElement(first: &first)
        #expect(try s.readString() == "quote\" back\\ nl\n ctl\u{01} é 😀")
        _ = try s.nextElement(first: &first)
        #expect(try s.readDouble() == 12)
        _ = try s.nextElement(first: &first)
        #expect(try s.readDouble() == 0.1)
    }

    @Test func nonFiniteOutputIsFlagged() {
        var out = JSONOutput()
        out.double(.nan)
        #expect(out.sawNonFinite)
    }
}

@Suite struct JSONOutputNumberTests {
    @Test func shortDecimalsMatchSwiftsShortestForm() {
        var rng = SplitMix64(seed: 11)
        var values: [Double] = [0.1, 0.2, 0.3, 358.63, 1e-4, 0.00015, 999_999_999.5, 123.456789, 0.5, -0.75, 2.675, 1.005]
        for _ in 0..<20000 {
            let k = Int.random(in: 1...7, using: &rng)
            let m = Double(Int.random(in: -99_999_999...99_999_999, using: &rng))
            values.append(m / pow(10, Double(k)))
            values.append(Double.random(in: -1000...1000, using: &rng))
        }
        for v in values where v.rounded(.towardZero) != v {
            var out = JSONOutput()
            out.double(v)
            let text = String(decoding: out.bytes, as: UTF8.self)
            #expect(text == v.description, "\(v)")
            #expect(Double(text) == v)
        }
    }
}
