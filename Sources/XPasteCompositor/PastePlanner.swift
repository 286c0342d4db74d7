#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws the paste plan of one image the way X-Paste's `InstPool` does.
///
/// Per image: n ~ U{min…max}; per paste: an instance (category-balanced or uniform), s ~ N(mean,
/// std) of the category clipped to [min-size-pixels / H, max-size-ratio], an aspect jitter
/// U(1 − j, 1 + j), a flip, optional rotation and colour jitter, and a centre uniform over the
/// image. The pixel size follows when the cutout is loaded (`PlannedPaste.targetSize`).
public struct PastePlanner: Sendable {
    /// The parameters.
    public let parameters: CompositorParameters
    /// The pool drawn from.
    public let pool: InstancePool

    /// Creates a planner.
    public init(parameters: CompositorParameters, pool: InstancePool) {
        self.parameters = parameters
        self.pool = pool
    }

    /// The plan for a `width` × `height` background, consuming draws from `rng` in a fixed order.
    public func plan(width: Int, height: Int, using rng: inout PasteRandom) -> PastePlan {
        let p = parameters
        let n = rng.int(in: p.minInstances...p.maxInstances)
        guard pool.count > 0, width > 0, height > 0 else { return PastePlan(pastes: []) }
        var pastes: [PlannedPaste] = []
        pastes.reserveCapacity(n)
        let lowerS = p.minSizePixels / Double(height)
        let upperS = p.maxSizeRatio
        for _ in 0..<n {
            let (instance, c) = pool.draw(using: &rng)
            let stat = pool.categories[c].size
            var s = stat.mean + rng.normal() * stat.std
            // np.clip semantics: the upper bound wins when the bounds cross (tiny images).
            s = min(max(s, lowerS), upperS)
            let jitter = rng.uniform(1 - p.aspectJitter, 1 + p.aspectJitter)
            let flip = rng.chance(p.flipProbability)
            let angle = rng.chance(p.rotationProbability) ? rng.uniform(-p.maxRotationDegrees, p.maxRotationDegrees) : 0
            let colour = rng.chance(p.colorJitterProbability) ? drawJitter(&rng) : nil
            let cx = rng.uniformIndex(below: width), cy = rng.uniformIndex(below: height)
            pastes.append(PlannedPaste(instanceID: instance.id, category: instance.category, sizeRatio: s, aspectJitter: jitter,
                                       flip: flip, rotationDegrees: angle, colorJitter: colour, centerX: cx, centerY: cy))
        }
        return PastePlan(pastes: pastes)
    }

    private func drawJitter(_ rng: inout PasteRandom) -> ColorJitter {
        let p = parameters
        let b = rng.uniform(1 - p.brightness, 1 + p.brightness)
        let c = rng.uniform(1 - p.contrast, 1 + p.contrast)
        let s = rng.uniform(1 - p.saturation, 1 + p.saturation)
        let h = rng.uniform(-p.hue, p.hue)
        var order = [0, 1, 2, 3]
        for i in stride(from: 3, to: 0, by: -1) { order.swapAt(i, rng.uniformIndex(below: i + 1)) }
        return ColorJitter(brightness: b, contrast: c, saturation: s, hue: h, order: order)
    }
}
