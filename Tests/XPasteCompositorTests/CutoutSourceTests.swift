import Foundation
import Testing
import XPasteImage
import XPasteTestSupport
@testable import XPasteCompositor

@Suite struct CutoutSourceTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-cutouts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func xpasteCleanupKeepsTheLargestComponentAndCropsToIt() throws {
        // The horse: its silhouette alpha is 255 − grey, so alpha > 128 is the dark horse.
        let horse = try RealCutouts.horse(texture: "astronaut.png")
        let cleaned = try #require(CutoutCleanup.xpaste(horse))
        // Tight box of alpha > 128, computed independently here.
        var x0 = Int.max, y0 = Int.max, x1 = -1, y1 = -1
        for y in 0..<horse.height {
            for x in 0..<horse.width where horse.pixels[(y * horse.width + x) * 4 + 3] > 128 {
                x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x); y1 = max(y1, y)
            }
        }
        #expect(cleaned.width == x1 - x0 + 1)
        #expect(cleaned.height == y1 - y0 + 1)
        // Colour comes through unchanged where the object is.
        let cx = cleaned.width / 2, cy = cleaned.height / 2
        if cleaned.pixels[(cy * cleaned.width + cx) * 4 + 3] > 0 {
            #expect(cleaned.pixel(x: cx, y: cy).prefix(3) == horse.pixel(x: cx + x0, y: cy + y0).prefix(3))
        }
    }

    @Test func cleanupDropsSmallerComponents() throws {
        var image = Image(width: 20, height: 10, format: .rgba8)
        for y in 2..<8 { for x in 2..<8 { image.setPixel(x: x, y: y, [10, 20, 30, 255]) } }
        image.setPixel(x: 15, y: 5, [1, 2, 3, 255])
        let cleaned = try #require(CutoutCleanup.xpaste(image))
        #expect(cleaned.width == 6 && cleaned.height == 6)
        #expect(CutoutCleanup.xpaste(Image(width: 5, height: 5, format: .rgba8)) == nil)
    }

    @Test func poolFileEntriesFollowXPasteConventions() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let horse = try RealCutouts.horse(texture: "coffee.png")
        try Data(ImageCodec.encodePNG(horse)).write(to: dir.appendingPathComponent("horse.png"))
        let disk = try RealCutouts.ellipse("chelsea.png", x: 100, y: 40, width: 120, height: 100)
        try Data(ImageCodec.encodePNG(disk)).write(to: dir.appendingPathComponent("cat.png"))
        let pool = dir.appendingPathComponent("pool.json")
        try Data(#"{"568": ["horse.png", "*cat.png"], "224": ["cat.png"]}"#.utf8).write(to: pool)

        let source = try XPastePoolSource(url: pool)
        // Ids follow ascending category, then file order.
        #expect(source.entries.map(\.category) == [225, 569, 569])
        #expect(source.entries.map(\.preprocessed) == [false, false, true])
        let catalog = try source.catalog()
        #expect(catalog.instances[569] == [2, 3])
        #expect(catalog.categories[225]?.lvisID == 225)
        // "*" entries are used as stored; others are cleaned up.
        #expect(try source.cutout(id: 3) == disk)
        #expect(try source.cutout(id: 2) == CutoutCleanup.xpaste(horse))
        #expect(throws: CompositorError.self) { try source.cutout(id: 9) }
    }

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
