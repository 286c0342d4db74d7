#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The compositor's own pseudo-random generator: xoshiro256** seeded through SplitMix64.
///
/// Every output image gets its own generator derived from (global seed, image index), so the
/// draws for image *i* never depend on which thread made it or how many images were made before
/// it — the root of byte-identical output across thread counts. The algorithms are fixed here
/// (not `SystemRandomNumberGenerator`, not the standard library's `random(in:)`, whose mapping
/// from bits to ranges is not a documented contract) so a seed keeps meaning the same images
/// across releases.
public struct PasteRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose whole state is expanded from `seed` with SplitMix64.
    public init(seed: UInt64) {
        var sm = seed
        s0 = PasteRandom.splitMix(&sm)
        s1 = PasteRandom.splitMix(&sm)
        s2 = PasteRandom.splitMix(&sm)
        s3 = PasteRandom.splitMix(&sm)
    }

    /// The generator for output image `index` of a run seeded with `seed`.
    ///
    /// Both numbers go through SplitMix64's finaliser so neighbouring indices get unrelated
    /// streams (plain `seed &+ index` would give overlapping xoshiro states for nearby seeds).
    public static func forImage(seed: UInt64, index: Int) -> PasteRandom {
        var a = seed
        let hashedSeed = splitMix(&a)
        var b = hashedSeed ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03)
        return PasteRandom(seed: splitMix(&b))
    }

    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A double uniform in [0, 1) with 53 random bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A double uniform in [lower, upper).
    public mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * unit()
    }

    /// An integer uniform in 0 ..< bound (bound > 0), without modulo bias (Lemire's method).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "empty range")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// An integer uniform in the closed range.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool {
        p >= 1 || (p > 0 && unit() < p)
    }

    /// A standard normal draw (Box–Muller; one draw per call, the pair's second half is dropped
    /// so the number of bits consumed per call is fixed).
    public mutating func normal() -> Double {
        // 1 - unit() is in (0, 1], so the logarithm is finite.
        let u1 = 1 - unit()
        let u2 = unit()
        return sqrt(-2 * log(u1)) * cos(2 * Double.pi * u2)
    }
}
