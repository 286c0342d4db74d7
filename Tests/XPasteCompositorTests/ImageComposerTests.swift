import Foundation
import Testing
import XPasteImage
import XPasteTestSupport
@testable import XPasteCompositor

@Suite struct ImageComposerTests {
    /// A composer over in-memory cutouts.
    func composer(_ cutouts: [Int64: Image], _ configure: (inout CompositorParameters) -> Void = { _ in }) -> ImageComposer {
        var p = CompositorParameters()
        configure(&p)
        let source = MemoryCutoutSource(images: cutouts, categoryOf: Dictionary(uniqueKeysWithValues: cutouts.keys.map { ($0, 1) }))
        return ImageComposer(parameters: p, cutouts: CutoutCache(source: source, capacityBytes: 64 << 20))
    }

    /// s that makes X-Paste's formula give exactly the cutout's own size on a square image of `side`.
    func identitySize(_ cutout: Image, side: Int) -> Double {
        (Double(cutout.width * cutout.height)).squareRoot() / Double(side) + 1e-6
    }

    @Test func hardPasteCopiesExactlyTheMaskPixels() throws {
        let cutout = try RealCutouts.ellipse("chelsea.png", x: 150, y: 60, width: 80, height: 80)
        let background = try RealCutouts.photo("astronaut.png")
        let c = composer([7: cutout])
        let paste = PlannedPaste(instanceID: 7, category: 3, sizeRatio: identitySize(cutout, side: 512), centerX: 200, centerY: 300)
        #expect(paste.targetSize(cutoutWidth: 80, cutoutHeight: 80, imageWidth: 512, imageHeight: 512, minSide: 5)! == (80, 80))
        let out = try c.compose(background: background, backgroundObjects: [], plan: PastePlan(pastes: [paste]))
        #expect(out.outcomes == [.pasted])
        let x0 = 200 - 40, y0 = 300 - 40
        var inside = 0
        for y in 0..<512 {
            for x in 0..<512 {
                let px = out.image.pixel(x: x, y: y)
                let lx = x - x0, ly = y - y0
                if lx >= 0, ly >= 0, lx < 80, ly < 80, cutout.pixel(x: lx, y: ly)[3] >= 1 {
                    #expect(Array(px) == Array(cutout.pixel(x: lx, y: ly).prefix(3)), "pixel \(x),\(y)")
                    inside += 1
                } else {
                    #expect(px == background.pixel(x: x, y: y), "pixel \(x),\(y)")
                }
            }
        }
        let object = try #require(out.scene.objects.first)
        #expect(object.area == inside)
        #expect(object.origin == .pasted(index: 0))
    }

    @Test func laterPasteOccludesBackgroundObjectOnARealPhoto() throws {
        // Background object: the horse silhouette (alpha > 128) standing on the astronaut photo.
        let horse = try RealCutouts.horse(texture: "coffee.png")
        var horseMask = BinaryMask(width: horse.width, height: horse.height)
        for i in 0..<horse.pixelCount { horseMask.bits[i] = horse.pixels[i * 4 + 3] > 128 ? 1 : 0 }
        let background = try RealCutouts.photo("astronaut.png")
        let bgObject = try #require(SceneObject(origin: .background(index: 0), category: 569, mask: horseMask, at: 40, 90))
        let disk = try RealCutouts.ellipse("coffee.png", x: 200, y: 80, width: 120, height: 120, soft: 1)
        let c = composer([1: disk])
        let paste = PlannedPaste(instanceID: 1, category: 344, sizeRatio: identitySize(disk, side: 512), centerX: 250, centerY: 230)
        let out = try c.compose(background: background, backgroundObjects: [bgObject], plan: PastePlan(pastes: [paste]))
        #expect(out.scene.objects.count == 2)
        // Expected visible horse: its pixels minus the disk's (alpha ≥ 1) at (190, 170).
        var expected = BinaryMask(width: 512, height: 512)
        for y in 0..<horse.height { for x in 0..<horse.width where horseMask[x, y] { expected[x + 40, y + 90] = true } }
        for y in 0..<120 { for x in 0..<120 where disk.pixel(x: x, y: y)[3] >= 1 { expected[x + 190, y + 170] = false } }
        let visible = out.scene.objects[0].fullMask(width: 512, height: 512)
        #expect(visible == expected)
        #expect(out.scene.objects[0].area == expected.bits.reduce(0) { $0 + Int($1) })
        let tight = try #require(SceneObject.tightBox(of: expected))
        #expect(out.scene.objects[0].frame == tight.box)
        // The visible horse pixels still show the background photo; the disk's show the disk.
        for y in Swift.stride(from: 0, to: 512, by: 7) {
            for x in Swift.stride(from: 0, to: 512, by: 7) where expected[x, y] {
                #expect(out.image.pixel(x: x, y: y) == background.pixel(x: x, y: y))
            }
        }
    }

    @Test func pasteOverTheBorderIsClipped() throws {
        let cutout = try RealCutouts.ellipse("rocket.jpg", x: 250, y: 100, width: 60, height: 90)
        let background = Image(width: 300, height: 200, format: .rgb8, filledWith: [10, 20, 30])
        let c = composer([3: cutout])
        let s = (Double(60 * 90)).squareRoot() / (300.0 * 200.0).squareRoot() + 1e-6
        let paste = PlannedPaste(instanceID: 3, category: 1, sizeRatio: s, centerX: 5, centerY: 195)
        let size = try #require(paste.targetSize(cutoutWidth: 60, cutoutHeight: 90, imageWidth: 300, imageHeight: 200, minSide: 5))
        #expect(size == (60, 90))
        let out = try c.compose(background: background, backgroundObjects: [], plan: PastePlan(pastes: [paste]))
        let object = try #require(out.scene.objects.first)
        // Patch origin (5 − 30, 195 − 45) = (−25, 150): only columns 0…34 and rows 150…199 remain.
        var expected = 0
        var maxX = 0, minY = Int.max
        for y in 0..<90 {
            for x in 0..<60 where cutout.pixel(x: x, y: y)[3] >= 1 && x - 25 >= 0 && y + 150 < 200 {
                expected += 1
                maxX = max(maxX, x - 25)
                minY = min(minY, y + 150)
            }
        }
        #expect(object.area == expected)
        #expect(object.frame.x == 0 && object.frame.maxX == maxX + 1 && object.frame.y == minY && object.frame.maxY == 200)
    }

    @Test func alphaModeBlendsWithTheCutoutsOwnAlpha() throws {
        var cutout = Image(width: 10, height: 10, format: .rgba8, filledWith: [200, 100, 0, 128])
        cutout.setPixel(x: 0, y: 0, [200, 100, 0, 0])
        let background = Image(width: 100, height: 100, format: .rgb8, filledWith: [0, 0, 100])
        let c = composer([1: cutout]) { $0.blending = .alpha }
        let paste = PlannedPaste(instanceID: 1, category: 1, sizeRatio: 0.1 + 1e-6, centerX: 50, centerY: 50)
        let out = try c.compose(background: background, backgroundObjects: [], plan: PastePlan(pastes: [paste]))
        // round((200·128 + 0·127) / 255) = 100, round(100·128/255) = 50, round((0·128 + 100·127)/255) = 50.
        #expect(out.image.pixel(x: 50, y: 50) == [100, 50, 50])
        #expect(out.image.pixel(x: 45, y: 45) == [0, 0, 100])
        #expect(out.scene.objects[0].area == 99)
    }

    @Test func gaussianModeFeathersOnlyInsideTheMask() throws {
        let cutout = Image(width: 40, height: 40, format: .rgba8, filledWith: [255, 255, 255, 255])
        let background = Image(width: 200, height: 200, format: .rgb8, filledWith: [0, 0, 0])
        let c = composer([1: cutout]) { $0.blending = .gaussian }
        let paste = PlannedPaste(instanceID: 1, category: 1, sizeRatio: 0.2 + 1e-6, centerX: 100, centerY: 100)
        let out = try c.compose(background: background, backgroundObjects: [], plan: PastePlan(pastes: [paste]))
        #expect(out.image.pixel(x: 79, y: 100) == [0, 0, 0])  // just outside: untouched
        let edge = out.image.pixel(x: 80, y: 100)[0]
        #expect(edge > 0 && edge < 255)  // mask edge: partly blended
        #expect(out.image.pixel(x: 100, y: 100) == [255, 255, 255])  // interior: opaque
        #expect(out.scene.objects[0].area == 1600)
    }

    @Test func unusableCutoutIsSkippedAndReported() throws {
        let c = composer([:])
        let paste = PlannedPaste(instanceID: 99, category: 1, sizeRatio: 0.2, centerX: 10, centerY: 10)
        let out = try c.compose(background: Image(width: 50, height: 50, format: .rgb8), backgroundObjects: [], plan: PastePlan(pastes: [paste]))
        #expect(out.outcomes == [.skippedCutout])
        #expect(out.cutoutErrors.count == 1)
    }
}
