/// Parses JSON numbers straight from bytes.
///
/// Most numbers in LVIS files are short decimals (`358.63`): those take Clinger's exact fast
/// path (an integer mantissa of at most 2^53 scaled by an exactly representable power of ten is
/// correctly rounded by one IEEE multiply or divide). Everything else goes through the standard
/// library's correctly rounded, locale-independent `Double(String)`.
enum JSONNumberParser {
    /// 10^0 … 10^22, the powers of ten that doubles represent exactly.
    @inline(__always)
    private static func exactPowerOfTen(_ e: Int) -> Double {
        switch e {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// Whether `b` can be part of a number token (`0-9 . - + e E`).
    @inline(__always)
    static func isNumberByte(_ b: UInt8) -> Bool {
        (b &- 0x30) < 10 || b == 0x2E || b == 0x2D || b == 0x2B || b == 0x65 || b == 0x45
    }

    /// Parses the longest JSON number starting at `start` and ending before `limit`. Returns the
    /// value and the index just past it, or nil if the bytes there do not start a valid number
    /// (a number cut short by `limit` may parse as a shorter one: callers check for that).
    @inline(__always)
    static func parse(_ base: UnsafeMutablePointer<UInt8>, _ start: Int, _ limit: Int) -> (value: Double, end: Int)? {
        var i = start
        guard i < limit else { return nil }
        let negative = base[i] == 0x2D
        if negative { i += 1 }
        // Integer part: "0" or [1-9][0-9]*.
        guard i < limit, (base[i] &- 0x30) < 10 else { return nil }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var exact = true
        if base[i] == 0x30 {
            i += 1
        } else {
            while i < limit, case let d = base[i] &- 0x30, d < 10 {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    digits += 1
                } else {
                    exact = false
                    exponent += 1
                }
                i += 1
            }
        }
        if i < limit, base[i] == 0x2E {
            i += 1
            guard i < limit, (base[i] &- 0x30) < 10 else { return nil }
            while i < limit, case let d = base[i] &- 0x30, d < 10 {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    // Leading zeros of a fraction (0.00123) are not significant digits.
                    if mantissa != 0 { digits += 1 }
                    exponent -= 1
                } else {
                    exact = false
                }
                i += 1
            }
        }
        if i < limit, base[i] == 0x65 || base[i] == 0x45 {
            i += 1
            var expNegative = false
            if i < limit, base[i] == 0x2B || base[i] == 0x2D {
                expNegative = base[i] == 0x2D
                i += 1
            }
            guard i < limit, (base[i] &- 0x30) < 10 else { return nil }
            var e = 0
            while i < limit, case let d = base[i] &- 0x30, d < 10 {
                if e < 100_000 { e = e * 10 + Int(d) }
                i += 1
            }
            exponent += expNegative ? -e : e
        }
        if exact && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            if exponent < 0 {
                value /= exactPowerOfTen(-exponent)
            } else if exponent > 0 {
                value *= exactPowerOfTen(exponent)
            }
            return (negative ? -value : value, i)
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: i - start), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return nil }
        return (value, i)
    }

    /// The value of a complete number token, or nil if the token is not exactly one JSON number.
    static func double(_ base: UnsafeMutablePointer<UInt8>, _ token: Range<Int>) -> Double? {
        guard let (value, end) = parse(base, token.lowerBound, token.upperBound), end == token.upperBound else {
            return nil
        }
        return value
    }

    /// The integer value of a token made of an optional `-` and digits only (no leading zeros),
    /// or nil if it has a fraction/exponent, is not valid, or overflows.
    static func integer(_ base: UnsafeMutablePointer<UInt8>, _ token: Range<Int>) -> Int? {
        var i = token.lowerBound
        let end = token.upperBound
        guard i < end else { return nil }
        let negative = base[i] == 0x2D
        if negative { i += 1 }
        guard i < end else { return nil }
        if base[i] == 0x30 && end - i > 1 { return nil }
        var value = 0
        while i < end {
            let d = base[i] &- 0x30
            guard d < 10 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(Int(d)) : m.addingReportingOverflow(Int(d))
            guard !o1, !o2 else { return nil }
            value = a
            i += 1
        }
        return value
    }
}
