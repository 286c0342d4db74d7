#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import XPasteBank

/// The compositor's seeded generator: the bank's xoshiro256** (`Xoshiro256StarStar`) with one
/// stream per output image, plus the draws the planner needs (uniform reals, normals, coin flips).
///
/// Every output image gets its own stream derived from (global seed, image index), so the draws
/// for image *i* never depend on which thread made it or how many images were made before it —
/// the root of byte-identical output across thread counts. Integer draws use the bank's
/// `uniformIndex(below:)` and reals its `unitInterval()`, whose mapping from bits is fixed (unlike
/// the standard library's `random(in:)`), so a seed keeps meaning the same images across releases.
public struct PasteRandom: RandomNumberGenerator, Sendable {
    private var core: Xoshiro256StarStar

    /// A generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        core = Xoshiro256StarStar(seed: seed)
    }

    /// The generator for output image `index` of a run seeded with `seed`.
    ///
    /// Both numbers go through SplitMix64's finaliser so neighbouring indices get unrelated
    /// streams (plain `seed &+ index` would give overlapping states for nearby seeds).
    public static func forImage(seed: UInt64, index: Int) -> PasteRandom {
        let mixed = finalize(finalize(seed) ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03))
        return PasteRandom(seed: mixed)
    }

    /// SplitMix64's output function (one step from `x`).
    private static func finalize(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 { core.next() }

    /// A double uniform in [lower, upper).
    public mutating func uniform(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * unitInterval()
    }

    /// An integer uniform in the closed range.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + uniformIndex(below: range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool {
        p >= 1 || (p > 0 && unitInterval() < p)
    }

    /// A standard normal draw (Box–Muller; one draw per call, the pair's second half is dropped
    /// so the number of bits consumed per call is fixed).
    public mutating func normal() -> Double {
        // 1 − u is in (0, 1], so the logarithm is finite.
        let u1 = 1 - unitInterval()
        let u2 = unitInterval()
        return sqrt(-2 * log(u1)) * cos(2 * Double.pi * u2)
    }
}
