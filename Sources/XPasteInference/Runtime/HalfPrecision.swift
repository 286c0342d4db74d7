/// IEEE 754 half-precision conversions done on bit patterns, so float16 tensors work on every
/// platform (Swift's `Float16` is missing on macOS x86_64).
public enum HalfPrecision {
    /// The half-precision bits nearest to `value` (round to nearest, ties to even; overflow gives
    /// infinity; NaN stays NaN).
    public static func bits(from value: Float) -> UInt16 {
        let f = value.bitPattern
        let sign = UInt16((f >> 16) & 0x8000)
        let exponent = Int((f >> 23) & 0xFF)
        var mantissa = f & 0x7F_FFFF
        if exponent == 0xFF {
            return sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0)
        }
        let e = exponent - 127 + 15
        if e >= 0x1F { return sign | 0x7C00 }
        if e <= 0 {
            // Subnormal half (or zero): shift the implicit-1 mantissa into place, rounding to even.
            if e < -10 { return sign }
            mantissa |= 0x80_0000
            let shift = UInt32(14 - e)
            let half = mantissa >> shift
            let remainder = mantissa & ((1 << shift) - 1)
            let midpoint = UInt32(1) << (shift - 1)
            let rounded = half + ((remainder > midpoint || (remainder == midpoint && half & 1 == 1)) ? 1 : 0)
            return sign | UInt16(rounded)
        }
        let half = UInt32(e) << 10 | (mantissa >> 13)
        let remainder = mantissa & 0x1FFF
        // A carry out of the mantissa correctly bumps the exponent (up to infinity).
        let rounded = half + ((remainder > 0x1000 || (remainder == 0x1000 && half & 1 == 1)) ? 1 : 0)
        return sign | UInt16(rounded)
    }

    /// The float whose value the half-precision `bits` encode (exact: every half is a float).
    public static func float(from bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0 {
            // ±0 or subnormal: mantissa × 2^-24.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign != 0 ? -magnitude : magnitude
        }
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }
}
