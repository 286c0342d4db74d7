import Testing
import XPasteLVIS
@testable import XPasteCompositor

@Suite struct PastePlannerTests {
    func pool(_ instances: [PoolInstance], mean: Double, std: Double, sampling: CategorySampling = .categoryBalanced) -> InstancePool {
        try! InstancePool(instances: instances, sampling: sampling) { _ in (LVISSizePrior.Statistic(mean: mean, std: std), .globalDefault) }
    }

    @Test func targetSizeFollowsXPasteFormula() {
        let paste = PlannedPaste(instanceID: 1, category: 3, sizeRatio: 0.2, aspectJitter: 1, centerX: 0, centerY: 0)
        // area = 0.2² · 500 · 1000 = 20000, aspect 2 → W = ⌊√40000⌋ = 200, H = ⌊200 / 2⌋ = 100.
        let size = paste.targetSize(cutoutWidth: 200, cutoutHeight: 100, imageWidth: 1000, imageHeight: 500, minSide: 5)
        #expect(size?.width == 200 && size?.height == 100)
        // Jitter 1.1 on a square cutout: aspect 1.1, W = ⌊√(1.1 · 20000)⌋ = 148, H = ⌊148 / 1.1⌋ = 134.
        let jittered = PlannedPaste(instanceID: 1, category: 3, sizeRatio: 0.2, aspectJitter: 1.1, centerX: 0, centerY: 0)
        let size2 = jittered.targetSize(cutoutWidth: 64, cutoutHeight: 64, imageWidth: 1000, imageHeight: 500, minSide: 5)
        #expect(size2?.width == 148 && size2?.height == 134)
    }

    @Test func tooSmallOrTooLargeTargetsAreSkipped() {
        let tiny = PlannedPaste(instanceID: 1, category: 3, sizeRatio: 0.004, centerX: 0, centerY: 0)
        #expect(tiny.targetSize(cutoutWidth: 10, cutoutHeight: 10, imageWidth: 1000, imageHeight: 1000, minSide: 5) == nil)
        // A very wide cutout at half the image size would be wider than the image.
        let wide = PlannedPaste(instanceID: 1, category: 3, sizeRatio: 0.5, centerX: 0, centerY: 0)
        #expect(wide.targetSize(cutoutWidth: 400, cutoutHeight: 50, imageWidth: 400, imageHeight: 400, minSide: 5) == nil)
    }

    @Test func sizeRatioIsClippedToTheXPasteBounds() {
        var p = CompositorParameters()
        p.minInstances = 50
        p.maxInstances = 50
        let big = PastePlanner(parameters: p, pool: pool([PoolInstance(id: 1, category: 3)], mean: 5, std: 0))
        let small = PastePlanner(parameters: p, pool: pool([PoolInstance(id: 1, category: 3)], mean: -1, std: 0))
        var rng = PasteRandom(seed: 1)
        #expect(big.plan(width: 400, height: 200, using: &rng).pastes.allSatisfy { $0.sizeRatio == 0.5 })
        #expect(small.plan(width: 400, height: 200, using: &rng).pastes.allSatisfy { $0.sizeRatio == 10.0 / 200 })
    }

    @Test func drawsStayInTheirRanges() {
        let p = CompositorParameters()
        let planner = PastePlanner(parameters: p, pool: pool([PoolInstance(id: 1, category: 3)], mean: 0.15, std: 0.1))
        var flips = 0, total = 0
        for i in 0..<500 {
            var rng = PasteRandom.forImage(seed: 4, index: i)
            for paste in planner.plan(width: 640, height: 480, using: &rng).pastes {
                #expect((0..<640).contains(paste.centerX) && (0..<480).contains(paste.centerY))
                #expect(paste.aspectJitter >= 0.8 && paste.aspectJitter < 1.2)
                #expect(paste.sizeRatio >= 10.0 / 480 && paste.sizeRatio <= 0.5)
                #expect(paste.rotationDegrees == 0 && paste.colorJitter == nil)
                if paste.flip { flips += 1 }
                total += 1
            }
        }
        #expect(abs(Double(flips) / Double(total) - 0.5) < 0.03)
    }

    @Test func countIsUniformOverTheRange() {
        let planner = PastePlanner(parameters: CompositorParameters(), pool: pool([PoolInstance(id: 1, category: 3)], mean: 0.1, std: 0.05))
        var counts = [Int](repeating: 0, count: 20)
        for i in 0..<4000 {
            var rng = PasteRandom.forImage(seed: 5, index: i)
            counts[planner.plan(width: 640, height: 480, using: &rng).pastes.count] += 1
        }
        #expect(counts.allSatisfy { $0 > 120 && $0 < 280 }, "\(counts)")
    }

    @Test func categoryBalancedSamplingIgnoresPoolSizes() {
        var instances = [PoolInstance(id: 1, category: 1)]
        for i in 0..<99 { instances.append(PoolInstance(id: Int64(100 + i), category: 2)) }
        let balancedPool = pool(instances, mean: 0.1, std: 0)
        let uniformPool = pool(instances, mean: 0.1, std: 0, sampling: .uniform)
        var rng = PasteRandom(seed: 2)
        var balanced = 0, uniform = 0
        for _ in 0..<10_000 {
            if balancedPool.draw(using: &rng).instance.category == 1 { balanced += 1 }
            if uniformPool.draw(using: &rng).instance.category == 1 { uniform += 1 }
        }
        #expect(abs(balanced - 5000) < 300)
        #expect(uniform > 50 && uniform < 160)
    }

    @Test func rotationAndColourJitterAreDrawnWhenEnabled() {
        var p = CompositorParameters()
        p.minInstances = 200
        p.maxInstances = 200
        p.rotationProbability = 1
        p.colorJitterProbability = 1
        let planner = PastePlanner(parameters: p, pool: pool([PoolInstance(id: 1, category: 3)], mean: 0.1, std: 0))
        var rng = PasteRandom(seed: 8)
        let pastes = planner.plan(width: 100, height: 100, using: &rng).pastes
        #expect(pastes.allSatisfy { abs($0.rotationDegrees) <= 30 && $0.rotationDegrees != 0 })
        #expect(pastes.allSatisfy { j in
            guard let c = j.colorJitter else { return false }
            return abs(c.brightness - 1) <= 0.2 && abs(c.hue) <= 0.2 && c.order.sorted() == [0, 1, 2, 3]
        })
    }

    @Test func planIsAFunctionOfTheGenerator() {
        let planner = PastePlanner(parameters: CompositorParameters(), pool: pool([
            PoolInstance(id: 1, category: 1), PoolInstance(id: 2, category: 9),
        ], mean: 0.2, std: 0.1))
        var a = PasteRandom.forImage(seed: 99, index: 3), b = PasteRandom.forImage(seed: 99, index: 3)
        #expect(planner.plan(width: 800, height: 600, using: &a) == planner.plan(width: 800, height: 600, using: &b))
    }
}
