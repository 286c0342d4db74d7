import Testing
import XPasteCompositor
import XPastePipeline
import XPasteStages

/// One parameter type per stage: defaults, overrides, errors naming the key.
@Suite("Stage parameters")
struct StageParametersTests {
    @Test func defaultsAreXPastes() throws {
        let f = try FilterParameters.decode(nil, at: "f")
        #expect(f.minClip == 21 && f.tolerance == 1 && f.minArea == 0.05 && f.maxArea == 0.95 && f.clip == "clip-vit-l-14")
        let e = try ExtractParameters.decode(.object([:]), at: "e")
        #expect(e.segmenters == ["u2net", "classical"] && e.threshold == 128 && e.effectiveCLIP == "clip-vit-l-14")
        let c = try CompositeStageParameters.decode(nil, at: "c")
        #expect(c.compositor == CompositorParameters() && c.seed == 0 && c.backgrounds == nil)
    }

    @Test func overridesUseSnakeCaseKeysAndKeepTheRest() throws {
        let f = try FilterParameters.decode(.object(["min_clip": .double(22.5), "batch_size": .int(4)]), at: "f")
        #expect(f.minClip == 22.5 && f.batchSize == 4 && f.tolerance == 1)
        // Composite keys of CompositorParameters sit at the same level as the stage's own.
        let c = try CompositeStageParameters.decode(
            .object(["max_instances": .int(3), "seed": .int(9), "format": .string("coco"), "max_image_side": .int(640)]), at: "c")
        #expect(c.compositor.maxInstances == 3 && c.seed == 9 && c.compositor.format == .coco && c.compositor.maxImageSide == 640)
        #expect(c.value.objectValue?["max_instances"] == .int(3))
    }

    @Test func errorsNameTheKey() {
        func field(_ body: () throws -> Any) -> String? {
            do {
                _ = try body()
                return nil
            } catch let PipelineError.invalidRequest(field, _) {
                return field
            } catch {
                return "other: \(error)"
            }
        }
        #expect(field { try FilterParameters.decode(.object(["min_clip": .string("x")]), at: "o.filter") } == "o.filter.min_clip")
        #expect(field { try FilterParameters.decode(.object(["clip": .string("../etc")]), at: "o.filter") } == "o.filter.clip")
        #expect(field { try ExtractParameters.decode(.object(["threshold": .int(255)]), at: "o") } == "o.threshold")
        #expect(field { try ExtractParameters.decode(.object(["segmenters": .array([])]), at: "o") } == "o.segmenters")
        #expect(field { try ExtractParameters.decode(.object(["nope": .int(1)]), at: "o") } == "o.nope")
        #expect(field { try ExtractParameters.decode(.string("x"), at: "o") } == "o")
        #expect(field { try CompositeStageParameters.decode(.object(["jpeg_quality": .int(0)]), at: "c") } == "c.jpeg_quality")
        #expect(field { try CompositeStageParameters.decode(.object(["seed": .int(-1)]), at: "c") } == "c.seed")
        #expect(field { try CompositeStageParameters.decode(.object(["seed": .double(1.5)]), at: "c") } == "c.seed")
        #expect(field { try CompositeStageParameters.decode(.object(["threads": .null]), at: "c") } == "c.threads")
        #expect(field { try CompositeStageParameters.decode(.object(["hue": .double(0.6), "seed": .int(3)]), at: "c") } == "c.hue")
        #expect(field { try CompositeStageParameters.decode(.object(["sampling": .string("nope")]), at: "c") } == "c.sampling")
        #expect(field { try CompositeStageParameters.decode(.object(["annotations": .string("a.json")]), at: "c") } == "c.backgrounds")
        #expect(field { try FilterParameters.decode(.object(["min_area": .double(-1)]), at: "f") } == "f.min_area")
        // null unsets an optional parameter.
        #expect(field { try CompositeStageParameters.decode(.object(["images": .null, "max_image_side": .null]), at: "c") } == nil)
    }
}
