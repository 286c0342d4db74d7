/// Bytes of JSON text being built, with the number and string formatting the LVIS files use.
///
/// Numbers: integers as integers; finite doubles in their shortest round-trip form (Swift's
/// `description`, which is the same text as Python's `repr` for floats), with integral values up
/// to 2^53 written without `.0` in compact mode to keep polygon-heavy files small.
struct JSONOutput {
    /// The text so far.
    var bytes: [UInt8] = []
    /// Python's default separators (`", "`, `": "`) instead of the compact `","`, `":"`.
    let spaced: Bool
    /// Set when a NaN or infinity was passed to `double`; the text is then not usable.
    var sawNonFinite = false

    init(reservingCapacity capacity: Int = 0, spaced: Bool = false) {
        self.spaced = spaced
        bytes.reserveCapacity(capacity)
    }

    /// Appends the separator between members or elements.
    @inline(__always)
    mutating func comma() {
        if spaced { raw(", ") } else { bytes.append(0x2C) }
    }

    @inline(__always)
    mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        bytes.append(b)
    }

    /// Appends a JSON integer.
    mutating func int(_ value: Int) {
        if value < 0 {
            bytes.append(0x2D)
            if value == .min {
                raw("9223372036854775808")
                return
            }
        }
        var v = UInt(value.magnitude)
        if v < 10 {
            bytes.append(0x30 + UInt8(v))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var n = 20
            while v > 0 {
                n -= 1
                digits[n] = 0x30 + UInt8(v % 10)
                v /= 10
            }
            bytes.append(contentsOf: digits[n..<20])
        }
    }

    /// Appends a JSON number for a finite double. `compactIntegers` writes `12` for 12.0.
    /// Non-finite values have no JSON form: they set `sawNonFinite`.
    mutating func double(_ value: Double, compactIntegers: Bool = true) {
        guard value.isFinite else {
            // JSON has no NaN/Infinity; record it so the caller can reject the element.
            sawNonFinite = true
            bytes.append(0x30)
            return
        }
        if compactIntegers, value.rounded(.towardZero) == value, value.magnitude < 9_007_199_254_740_992 {
            if value == 0 && value.sign == .minus {
                raw("-0")
            } else {
                int(Int(value))
            }
            return
        }
        if compactIntegers && shortDecimal(value) { return }
        var text = value.description
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Writes values with at most 6 decimals (`358.63`: pixel coordinates, areas) without the
    /// general shortest-digits algorithm, which dominates writing time otherwise. For the
    /// smallest k with `round(v·10^k) / 10^k == v` the decimal text round-trips (parsing it is the
    /// same correctly rounded division) and no shorter fixed-point text does, so it is the text
    /// `description` produces. Returns false (writing nothing) for anything else.
    private mutating func shortDecimal(_ value: Double) -> Bool {
        let magnitude = value.magnitude
        guard magnitude >= 1e-4 && magnitude < 1e9 else { return false }
        var scale = 1.0
        for k in 1...6 {
            scale *= 10
            let m = (magnitude * scale).rounded()
            guard m / scale == magnitude else { continue }
            if value < 0 { bytes.append(0x2D) }
            var digits = UInt64(m)
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
                var n = 24
                var written = 0
                while digits > 0 || written <= k {
                    if written == k {
                        n -= 1
                        buffer[n] = 0x2E
                    }
                    n -= 1
                    buffer[n] = 0x30 + UInt8(digits % 10)
                    digits /= 10
                    written += 1
                }
                bytes.append(contentsOf: buffer[n..<24])
            }
            return true
        }
        return false
    }

    /// Appends a JSON string with the escapes Python's `json.dumps` uses for control characters,
    /// `"` and `\`; other characters are written as UTF-8 (like `ensure_ascii=False`).
    mutating func string(_ value: String) {
        bytes.append(0x22)
        var copy = value
        copy.withUTF8 { utf8 in
            var runStart = 0
            for (i, b) in utf8.enumerated() where b < 0x20 || b == 0x22 || b == 0x5C {
                bytes.append(contentsOf: utf8[runStart..<i])
                runStart = i + 1
                switch b {
                case 0x22: raw("\\\"")
                case 0x5C: raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                case 0x08: raw("\\b")
                case 0x0C: raw("\\f")
                default:
                    raw("\\u00")
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(hex[Int(b >> 4)])
                    bytes.append(hex[Int(b & 0xF)])
                }
            }
            bytes.append(contentsOf: utf8[runStart..<utf8.count])
        }
        bytes.append(0x22)
    }

    /// Appends `"key": ` (with the leading comma unless it is the first member).
    @inline(__always)
    mutating func key(_ name: StaticString, first: inout Bool) {
        if first {
            first = false
        } else {
            comma()
        }
        bytes.append(0x22)
        raw(name)
        if spaced { raw("\": ") } else { raw("\":") }
    }

    /// Appends `[a, b, …]`, writing each element with `element`.
    @inline(__always)
    mutating func array<T>(_ values: [T], _ element: (inout JSONOutput, T) -> Void) {
        bytes.append(0x5B)
        for (i, v) in values.enumerated() {
            if i > 0 { comma() }
            element(&self, v)
        }
        bytes.append(0x5D)
    }

    /// Appends `[a, b, …]` of integers.
    mutating func intArray(_ values: [Int]) { array(values) { $0.int($1) } }

    /// Appends `[a, b, …]` of doubles.
    mutating func doubleArray(_ values: [Double]) { array(values) { $0.double($1) } }

    /// Appends `["a", "b", …]`.
    mutating func stringArray(_ values: [String]) { array(values) { $0.string($1) } }
}
