import Foundation
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
        #expect(try cache.cutout(id: 1).original == image)
        #expect(try cache.cutout(id: 1).original == image)
        #expect(cache.statistics.hits == 1)
        // Capacity holds one cutout: loading 2 evicts 1.
        _ = try cache.cutout(id: 2)
        _ = try cache.cutout(id: 1)
        #expect(cache.statistics.misses == 3)
    }
}
