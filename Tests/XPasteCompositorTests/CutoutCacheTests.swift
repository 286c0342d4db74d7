import Foundation
import Synchronization
import Testing
import XPasteImage
import XPasteTestSupport
@testable import XPasteCompositor

@Suite struct CutoutCacheTests {
    @Test func pyramidMakesLevelsOnDemandAndPicksTheSmallestSufficientOne() throws {
        let image = try RealCutouts.ellipse("motorcycle_left.png", x: 0, y: 0, width: 700, height: 300)
        var pyramid = CutoutPyramid(image, minimumSide: 16)
        #expect(pyramid.levels.count == 1)
        #expect(try pyramid.source(forWidth: 400, height: 200).width == 700)
        #expect(pyramid.levels.count == 1)
        #expect(try pyramid.source(forWidth: 80, height: 30).width == 175)
        #expect(pyramid.levels.map(\.width) == [700, 350, 175])
        #expect(try pyramid.source(forWidth: 2, height: 2).width == 44)
        #expect(pyramid.levels.map(\.height) == [300, 150, 75, 38, 19])
        // A level is the same whether made now or found made: a fresh pyramid agrees.
        var fresh = CutoutPyramid(image, minimumSide: 16)
        #expect(try fresh.source(forWidth: 20, height: 9) == pyramid.levels[4])
        // Area halving of a flat region keeps its colour.
        var flat = CutoutPyramid(Image(width: 64, height: 64, format: .rgba8, filledWith: [10, 200, 30, 255]))
        #expect(try flat.source(forWidth: 8, height: 8) == Image(width: 16, height: 16, format: .rgba8, filledWith: [10, 200, 30, 255]))
    }

    @Test func cacheServesRepeatsWithoutTheSource() throws {
        let image = try RealCutouts.ellipse("coffee.png", x: 200, y: 100, width: 64, height: 64)
        let pyramid = CutoutPyramid(image)
        let cache = CutoutCache(source: MemoryCutoutSource(images: [1: image, 2: image], categoryOf: [1: 1, 2: 1]),
                                capacityBytes: pyramid.byteCount)
        let full: CutoutCache.Target = { w, h in (w / 2, h / 2) }
        #expect(try cache.cutout(id: 1, target: full, working: full).largest == image)
        #expect(try cache.cutout(id: 1, target: full, working: full).largest == image)
        #expect(cache.statistics.hits == 1)
        // Capacity holds one cutout: loading 2 evicts 1.
        _ = try cache.cutout(id: 2, target: full, working: full)
        _ = try cache.cutout(id: 1, target: full, working: full)
        #expect(cache.statistics.misses == 3)
    }

    /// Issue 13: a cutout larger than the whole cache was never kept, so it was decoded again for
    /// every paste (one 7000×7000 cutout with a small cache: 1.2 s → 105 s), and held at full size.
    @Test func aHugeCutoutIsDecodedOnceAndHeldAsABoundedWorkingCopy() throws {
        let huge = try RealCutouts.ellipse("motorcycle_left.png", x: 0, y: 0, width: 400, height: 300)
            .resized(width: 1600, height: 1200, filter: .bilinear)
        let source = CountingCutoutSource(MemoryCutoutSource(images: [1: huge], categoryOf: [1: 1]))
        let capacity = 2 << 20  // a quarter of the decoded cutout (7.7 MB)
        var p = CompositorParameters()
        p.blending = .alpha
        let composer = ImageComposer(parameters: p, cutouts: CutoutCache(source: source, capacityBytes: capacity))
        let background = try RealCutouts.photo("astronaut.png")
        let pastes = (0..<12).map { k in
            PlannedPaste(instanceID: 1, category: 1, sizeRatio: 0.1 + 0.01 * Double(k % 4), centerX: 100 + 25 * k, centerY: 256)
        }
        let out = try composer.compose(background: background, backgroundObjects: [], plan: PastePlan(pastes: pastes))
        #expect(out.outcomes == Array(repeating: .pasted, count: 12))
        #expect(source.calls == 1, "decoded \(source.calls) times for 12 pastes")
        #expect(composer.cutouts.heldBytes <= capacity && composer.cutouts.heldBytes > 0)
        // The same picture as pasting from an untrimmed pyramid in a cache that holds everything.
        let roomy = ImageComposer(
            parameters: p, cutouts: CutoutCache(source: MemoryCutoutSource(images: [1: huge], categoryOf: [1: 1]), capacityBytes: 1 << 30))
        #expect(try roomy.compose(background: background, backgroundObjects: [], plan: PastePlan(pastes: pastes)).image == out.image)

        // The working copy serves the largest paste the size rule allows on this background too.
        let big = PlannedPaste(instanceID: 1, category: 1, sizeRatio: 0.5, aspectJitter: 1.2, centerX: 256, centerY: 256)
        let bigOut = try composer.compose(background: background, backgroundObjects: [], plan: PastePlan(pastes: [big]))
        #expect(source.calls == 1)
        #expect(try roomy.compose(background: background, backgroundObjects: [], plan: PastePlan(pastes: [big])).image == bigOut.image)
        // A larger background needs a larger level: decoded once more, still within the bound.
        let wide = try RealCutouts.photo("astronaut.png").resized(width: 1400, height: 1100, filter: .bilinear)
        let wideOut = try composer.compose(background: wide, backgroundObjects: [], plan: PastePlan(pastes: [big]))
        #expect(source.calls == 2 && composer.cutouts.heldBytes <= capacity)
        #expect(try roomy.compose(background: wide, backgroundObjects: [], plan: PastePlan(pastes: [big])).image == wideOut.image)

        // X-Paste's bit-exact `.linear` resize works from the full cutout: that one is never trimmed.
        var linear = p
        linear.resizeFilter = .linear
        let exact = ImageComposer(
            parameters: linear, cutouts: CutoutCache(source: MemoryCutoutSource(images: [1: huge], categoryOf: [1: 1]), capacityBytes: 1 << 30))
        _ = try exact.compose(background: background, backgroundObjects: [], plan: PastePlan(pastes: Array(pastes.prefix(2))))
        #expect(exact.cutouts.heldBytes == huge.pixels.count)
    }

    @Test func trimmingKeepsTheLevelEverySmallerPasteUses() throws {
        let image = try RealCutouts.ellipse("motorcycle_left.png", x: 0, y: 0, width: 700, height: 300)
        var trimmed = CutoutPyramid(image)
        try trimmed.trim(forWidth: 80, height: 30)
        #expect(trimmed.firstLevel == 2 && trimmed.largest.width == 175)
        #expect(trimmed.originalWidth == 700 && trimmed.originalHeight == 300)
        #expect(trimmed.covers(width: 80, height: 30) && !trimmed.covers(width: 100, height: 30))
        for (w, h) in [(80, 30), (40, 20), (5, 3)] {
            var full = CutoutPyramid(image)
            #expect(try trimmed.source(forWidth: w, height: h) == full.source(forWidth: w, height: h), "\(w)×\(h)")
        }
    }
}

/// A cutout source that counts its decodes.
private final class CountingCutoutSource: CutoutSource, Sendable {
    private let inner: MemoryCutoutSource
    private let count = Mutex(0)

    init(_ inner: MemoryCutoutSource) { self.inner = inner }

    var calls: Int { count.withLock { $0 } }

    func catalog() throws(CompositorError) -> CutoutCatalog { try inner.catalog() }

    func cutout(id: Int64) throws(CompositorError) -> Image {
        count.withLock { $0 += 1 }
        return try inner.cutout(id: id)
    }

    func snapshot() throws(CompositorError) -> [String: String] { try inner.snapshot() }
}
