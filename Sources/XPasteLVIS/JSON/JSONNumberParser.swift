/// Parses JSON number tokens straight from bytes.
///
/// Most numbers in LVIS files are short decimals (`358.63`): those take Clinger's exact fast
/// path (an integer mantissa below 2^53 scaled by an exactly representable power of ten is
/// correctly rounded by one IEEE multiply or divide). Everything else goes through the standard
/// library's correctly rounded, locale-independent `Double(String)`.
enum JSONNumberParser {
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

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

    /// The value of a JSON number token, or nil if the token is not a valid JSON number.
    static func double(_ base: UnsafeMutablePointer<UInt8>, _ token: Range<Int>) -> Double? {
        var i = token.lowerBound
        let end = token.upperBound
        guard i < end else { return nil }
        let negative = base[i] == 0x2D
        if negative { i += 1 }
        // Integer part: "0" or [1-9][0-9]*.
        guard i < end, (base[i] &- 0x30) < 10 else { return nil }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var exact = true
        if base[i] == 0x30 {
            i += 1
            if i < end, (base[i] &- 0x30) < 10 { return nil }
        } else {
            while i < end, case let d = base[i] &- 0x30, d < 10 {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    if mantissa != 0 { digits += 1 }
                } else {
                    exact = false
                    exponent += 1
                }
                i += 1
            }
        }
        if i < end, base[i] == 0x2E {
            i += 1
            guard i < end, (base[i] &- 0x30) < 10 else { return nil }
            while i < end, case let d = base[i] &- 0x30, d < 10 {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    if mantissa != 0 { digits += 1 }
                    exponent -= 1
                } else {
                    exact = false
                }
                i += 1
            }
        }
        if i < end, base[i] == 0x65 || base[i] == 0x45 {
            i += 1
            var expNegative = false
            if i < end, base[i] == 0x2B || base[i] == 0x2D {
                expNegative = base[i] == 0x2D
                i += 1
            }
            guard i < end, (base[i] &- 0x30) < 10 else { return nil }
            var e = 0
            while i < end, case let d = base[i] &- 0x30, d < 10 {
                if e < 100_000 { e = e * 10 + Int(d) }
                i += 1
            }
            exponent += expNegative ? -e : e
        }
        guard i == end else { return nil }

        if exact && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            if exponent < 0 {
                value /= powersOfTen[-exponent]
            } else if exponent > 0 {
                value *= powersOfTen[exponent]
            }
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + token.lowerBound, count: token.count), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }
}
