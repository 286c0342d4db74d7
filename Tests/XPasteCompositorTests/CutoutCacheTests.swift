import Foundation
import Testing
import XPasteImage
import XPasteTestSupport
@testable import XPasteCompositor

@Suite struct CutoutCacheTests {
    @Test func pyramidHalvesDownToTheMinimumSideAndPicksTheSmallestSufficientLevel() throws {
        let image = try RealCutouts.ellipse("motorcycle_left.png", x: 0, y: 0, width: 700, height: 300)
        let pyramid = try CutoutPyramid(image, minimumSide: 16)
        #expect(pyramid.levels.map(\.width) == [700, 350, 175, 88, 44])
        #expect(pyramid.levels.map(\.height) == [300, 150, 75, 38, 19])
        #expect(pyramid.source(forWidth: 80, height: 30).width == 175)
        #expect(pyramid.source(forWidth: 20, height: 9).width == 44)
        #expect(pyramid.source(forWidth: 400, height: 200).width == 700)
        // Area halving of a flat region keeps its colour.
        let flat = Image(width: 64, height: 64, format: .rgba8, filledWith: [10, 200, 30, 255])
        #expect(try CutoutPyramid(flat).levels.last! == Image(width: 16, height: 16, format: .rgba8, filledWith: [10, 200, 30, 255]))
    }

    @Test func cacheServesRepeatsWithoutTheSource() throws {
        let image = try RealCutouts.ellipse("coffee.png", x: 200, y: 100, width: 64, height: 64)
        let pyramid = try CutoutPyramid(image)
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
