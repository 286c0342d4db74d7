import Foundation

/// A seeded source of unit Gaussian floats (xoshiro256** seeded through SplitMix64, Box–Muller),
/// so one seed gives the same latents on every machine and every run: an image's seed, stored with
/// it, is enough to draw it again.
public struct GaussianNoise: Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)
    private var spare: Float?

    /// A stream for `seed`.
    public init(seed: UInt64) {
        var s = seed
        func splitMix() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    private mutating func next() -> UInt64 {
        let result = ((state.1 &* 5) << 7 | (state.1 &* 5) >> 57) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3 << 45 | state.3 >> 19
        return result
    }

    /// A uniform double in (0, 1): 53 random bits, never 0 (the logarithm below needs that).
    private mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// The next standard normal value.
    public mutating func nextGaussian() -> Float {
        if let value = spare {
            spare = nil
            return value
        }
        let radius = (-2 * log(uniform())).squareRoot()
        let angle = 2 * Double.pi * uniform()
        spare = Float(radius * sin(angle))
        return Float(radius * cos(angle))
    }

    /// `count` standard normal values.
    public mutating func gaussians(_ count: Int) -> [Float] {
        (0..<count).map { _ in nextGaussian() }
    }
}
