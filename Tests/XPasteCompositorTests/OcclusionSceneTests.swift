import Testing
import XPasteImage
@testable import XPasteCompositor

@Suite struct OcclusionSceneTests {
    func square(_ w: Int, _ h: Int) -> BinaryMask { BinaryMask(width: w, height: h, filled: true) }

    func object(_ origin: ObjectOrigin, _ w: Int, _ h: Int, at x: Int, _ y: Int, category: Int = 1) -> SceneObject {
        SceneObject(origin: origin, category: category, mask: square(w, h), at: x, y)!
    }

    @Test func partlyCoveredObjectKeepsRemainingPixelsAndTightBox() {
        var scene = OcclusionScene(width: 100, height: 100, boxThreshold: 10, maskThreshold: 300)
        scene.addBackground(object(.background(index: 0), 40, 40, at: 10, 10))
        scene.place(object(.pasted(index: 0), 20, 60, at: 30, 0))
        #expect(scene.objects.count == 2)
        let bg = scene.objects[0]
        #expect(bg.area == 800)
        #expect(bg.frame == PixelBox(x: 10, y: 10, width: 20, height: 40))
        #expect(scene.removals.isEmpty)
    }

    @Test func smallRemainderWithMovedBoxIsDropped() {
        var scene = OcclusionScene(width: 100, height: 100, boxThreshold: 10, maskThreshold: 300)
        scene.addBackground(object(.background(index: 0), 20, 20, at: 0, 0, category: 7))
        // Covers the right 11 columns: 9 × 20 = 180 pixels left, the right edge moved 11 > 10.
        scene.place(object(.pasted(index: 0), 11, 30, at: 9, 0))
        #expect(scene.objects.count == 1)
        #expect(scene.removals == [OcclusionScene.Removal(origin: .background(index: 0), category: 7, remaining: 180, belowMinArea: false)])
    }

    @Test func smallRemainderWithinBoxThresholdIsKept() {
        var scene = OcclusionScene(width: 100, height: 100, boxThreshold: 10, maskThreshold: 300)
        scene.addBackground(object(.background(index: 0), 20, 20, at: 0, 0))
        // Right 10 columns covered: 200 pixels left, edge moved exactly 10 → kept (≤ threshold).
        scene.place(object(.pasted(index: 0), 10, 30, at: 10, 0))
        #expect(scene.objects.count == 2)
        #expect(scene.objects[0].area == 200)
        #expect(scene.objects[0].frame == PixelBox(x: 0, y: 0, width: 10, height: 20))
    }

    @Test func largeRemainderSurvivesEvenWhenTheBoxMovesFar() {
        var scene = OcclusionScene(width: 200, height: 200, boxThreshold: 10, maskThreshold: 300)
        scene.addBackground(object(.background(index: 0), 100, 10, at: 0, 0))
        // 50 columns covered: 500 pixels remain (> 300) though the right edge moved 50.
        scene.place(object(.pasted(index: 0), 50, 10, at: 50, 0))
        #expect(scene.objects.count == 2)
        #expect(scene.objects[0].area == 500)
    }

    @Test func ruleComparesWithTheBoxOfThePreviousStep() {
        // X-Paste re-evaluates after every paste against the box of the step before, so two
        // 6-pixel bites each pass the 10-pixel rule even though the edge moves 12 in total.
        var scene = OcclusionScene(width: 100, height: 100, boxThreshold: 10, maskThreshold: 300)
        scene.addBackground(object(.background(index: 0), 20, 10, at: 0, 0))
        scene.place(object(.pasted(index: 0), 6, 10, at: 14, 0))
        scene.place(object(.pasted(index: 1), 6, 10, at: 8, 0))
        #expect(scene.objects.count == 3)
        #expect(scene.objects[0].frame == PixelBox(x: 0, y: 0, width: 8, height: 10))
    }

    @Test func fullyCoveredObjectIsAlwaysDropped() {
        var scene = OcclusionScene(width: 100, height: 100, boxThreshold: 10, maskThreshold: 300)
        scene.addBackground(object(.background(index: 0), 5, 5, at: 0, 0, category: 2))
        scene.place(object(.pasted(index: 0), 10, 10, at: 0, 0))
        #expect(scene.objects.map(\.origin) == [.pasted(index: 0)])
        #expect(scene.removals.first?.remaining == 0)
    }

    @Test func pastedObjectsOccludeEarlierPastes() {
        var scene = OcclusionScene(width: 100, height: 100, boxThreshold: 10, maskThreshold: 300)
        scene.place(object(.pasted(index: 0), 30, 30, at: 0, 0))
        scene.place(object(.pasted(index: 1), 30, 30, at: 15, 15))
        #expect(scene.objects[0].area == 900 - 225)
        let full = scene.objects[0].fullMask(width: 100, height: 100)
        #expect(full[14, 14] == true)
        #expect(full[15, 15] == false)
        #expect(full[29, 0] == true)
    }

    @Test func borderClippingKeepsOnlyPixelsInsideTheImage() {
        var scene = OcclusionScene(width: 50, height: 40, boxThreshold: 10, maskThreshold: 300)
        let inside = scene.place(object(.pasted(index: 0), 20, 20, at: -5, 30))
        #expect(inside)
        #expect(scene.objects[0].frame == PixelBox(x: 0, y: 30, width: 15, height: 10))
        #expect(scene.objects[0].area == 150)
        let outside = scene.place(object(.pasted(index: 1), 10, 10, at: 50, 0))
        #expect(!outside)
    }

    @Test func minAreaDropsTinyLeftovers() {
        var scene = OcclusionScene(width: 50, height: 50, boxThreshold: 10, maskThreshold: 300)
        scene.place(object(.pasted(index: 0), 2, 1, at: 0, 0, category: 4))
        scene.place(object(.pasted(index: 1), 3, 3, at: 10, 10))
        scene.dropSmall(minArea: 4)
        #expect(scene.objects.map(\.origin) == [.pasted(index: 1)])
        #expect(scene.removals == [OcclusionScene.Removal(origin: .pasted(index: 0), category: 4, remaining: 2, belowMinArea: true)])
    }

    @Test func holesPunchedIntoAMaskAreRemovedExactly() {
        var ring = BinaryMask(width: 9, height: 9, filled: true)
        var scene = OcclusionScene(width: 20, height: 20, boxThreshold: 10, maskThreshold: 300)
        scene.addBackground(SceneObject(origin: .background(index: 0), category: 1, mask: ring, at: 2, 2)!)
        scene.place(object(.pasted(index: 0), 3, 3, at: 5, 5))
        for y in 3..<6 { for x in 3..<6 { ring[x, y] = false } }
        #expect(scene.objects[0].mask == ring)
        #expect(scene.objects[0].area == 72)
    }
}
