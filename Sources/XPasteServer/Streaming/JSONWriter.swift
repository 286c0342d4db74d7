import Foundation

/// A minimal JSON writer into a byte buffer, for the one response where encoding dominates: an
/// instance page (100–1000 objects of ~20 fields). Foundation's `JSONEncoder` spends about 40 µs
/// per instance there (most of a page's time); this writes the same JSON — sorted keys, absent
/// members for nil, ISO 8601 seconds, shortest round-trip numbers — several times faster.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = []

    init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma.removeLast()
    }

    mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma.removeLast()
    }

    /// A member name; the value written next belongs to it.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        // The value follows without a comma.
        needsComma[needsComma.count - 1] = false
    }

    mutating func string(_ s: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func int<I: BinaryInteger>(_ v: I) {
        separate()
        bytes.append(contentsOf: String(v).utf8)
    }

    /// A finite number as Swift prints it (shortest round trip), with `.0` dropped as JSONEncoder does.
    mutating func double(_ v: Double) {
        separate()
        guard v.isFinite else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        if v == v.rounded(), abs(v) < 1e15 {
            bytes.append(contentsOf: String(Int64(v)).utf8)
        } else {
            bytes.append(contentsOf: v.description.utf8)
        }
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    /// `2026-12-06T07:03:54Z`: whole seconds in UTC, as `JSONEncoder`'s `.iso8601` writes dates.
    mutating func date(_ d: Date) {
        var t = time_t(d.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ n: Int32) -> [UInt8] { [UInt8(48 + n / 10), UInt8(48 + n % 10)] }
        let year = Int(parts.tm_year) + 1900
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: String(year).utf8)
        bytes.append(UInt8(ascii: "-"))
        bytes.append(contentsOf: two(parts.tm_mon + 1))
        bytes.append(UInt8(ascii: "-"))
        bytes.append(contentsOf: two(parts.tm_mday))
        bytes.append(UInt8(ascii: "T"))
        bytes.append(contentsOf: two(parts.tm_hour))
        bytes.append(UInt8(ascii: ":"))
        bytes.append(contentsOf: two(parts.tm_min))
        bytes.append(UInt8(ascii: ":"))
        bytes.append(contentsOf: two(parts.tm_sec))
        bytes.append(contentsOf: [UInt8(ascii: "Z"), UInt8(ascii: "\"")])
    }

    private mutating func separate() {
        guard let last = needsComma.last else { return }
        if last { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }
}
