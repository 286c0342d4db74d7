import Testing
@testable import XPasteCompositor

@Suite struct PastePlannerTests {
    func pool(_ instances: [PoolInstance], mean: Double, std: Double) -> InstancePool {
        InstancePool(instances: instances) { _ in (SizeStatistic(mean: mean, std: std), .globalDefault) }
    }

    @Test func sizeFollowsXPasteFormula() {
        var p = CompositorParameters()
        p.minInstances = 5
        p.maxInstances = 5
        p.aspectJitter = 0
        let planner = PastePlanner(parameters: p, pool: pool([PoolInstance(id: 1, category: 3, width: 200, height: 100)], mean: 0.2, std: 0))
        var rng = PasteRandom(seed: 11)
        let plan = planner.plan(width: 1000, height: 500, using: &rng)
        #expect(plan.pastes.count == 5)
        // area = 0.2² · 500 · 1000 = 20000, aspect 2 → W = ⌊√40000⌋ = 200, H = ⌊200 / 2⌋ = 100.
        for paste in plan.pastes {
            #expect(paste.width == 200)
            #expect(paste.height == 100)
            #expect((0..<1000).contains(paste.centerX))
            #expect((0..<500).contains(paste.centerY))
        }
    }

    @Test func sizeIsClippedToHalfTheImage() {
        var p = CompositorParameters()
        p.minInstances = 3
        p.maxInstances = 3
        p.aspectJitter = 0
        let planner = PastePlanner(parameters: p, pool: pool([PoolInstance(id: 1, category: 3, width: 50, height: 50)], mean: 5, std: 0))
        var rng = PasteRandom(seed: 1)
        let plan = planner.plan(width: 400, height: 400, using: &rng)
        // s clipped to 0.5 → area 0.25 · 160000 = 40000 → 200 × 200.
        #expect(plan.pastes.map(\.width) == [200, 200, 200])
    }

    @Test func tooSmallPastesAreSkippedAndCounted() {
        var p = CompositorParameters()
        p.minInstances = 4
        p.maxInstances = 4
        p.aspectJitter = 0
        p.minSizePixels = 2
        let planner = PastePlanner(parameters: p, pool: pool([PoolInstance(id: 1, category: 3, width: 10, height: 10)], mean: 0.001, std: 0))
        var rng = PasteRandom(seed: 1)
        let plan = planner.plan(width: 400, height: 400, using: &rng)
        // s = 2/400 → 2 × 2 pixels, under the 5-pixel minimum.
        #expect(plan.pastes.isEmpty)
        #expect(plan.skipped == 4)
    }

    @Test func countIsUniformOverTheRange() {
        let p = CompositorParameters()
        let planner = PastePlanner(parameters: p, pool: pool([PoolInstance(id: 1, category: 3, width: 64, height: 64)], mean: 0.1, std: 0.05))
        var counts = [Int](repeating: 0, count: 20)
        for i in 0..<4000 {
            var rng = PasteRandom.forImage(seed: 5, index: i)
            let plan = planner.plan(width: 640, height: 480, using: &rng)
            counts[plan.pastes.count + plan.skipped] += 1
        }
        #expect(counts.allSatisfy { $0 > 120 && $0 < 280 }, "\(counts)")
    }

    @Test func categoryBalancedSamplingIgnoresPoolSizes() {
        var instances = [PoolInstance(id: 1, category: 1, width: 10, height: 10)]
        for i in 0..<99 { instances.append(PoolInstance(id: Int64(100 + i), category: 2, width: 10, height: 10)) }
        let pool = pool(instances, mean: 0.1, std: 0)
        var rng = PasteRandom(seed: 2)
        var balanced = 0, uniform = 0
        for _ in 0..<10_000 {
            if pool.draw(.categoryBalanced, using: &rng).instance.category == 1 { balanced += 1 }
            if pool.draw(.uniform, using: &rng).instance.category == 1 { uniform += 1 }
        }
        #expect(abs(balanced - 5000) < 300)
        #expect(uniform > 50 && uniform < 160)
    }

    @Test func planIsAFunctionOfTheGenerator() {
        let p = CompositorParameters()
        let planner = PastePlanner(parameters: p, pool: pool([
            PoolInstance(id: 1, category: 1, width: 30, height: 60), PoolInstance(id: 2, category: 9, width: 80, height: 20),
        ], mean: 0.2, std: 0.1))
        var a = PasteRandom.forImage(seed: 99, index: 3), b = PasteRandom.forImage(seed: 99, index: 3)
        #expect(planner.plan(width: 800, height: 600, using: &a) == planner.plan(width: 800, height: 600, using: &b))
    }
}
