import Testing
@testable import XPasteLVIS

@Suite struct LVISErrorTests {
    @Test func codesAreStable() {
        #expect(LVISError.malformed(path: "$.images[0]", offset: 3, message: "x").code == "lvis.malformed")
        #expect(LVISError.io("x").code == "lvis.io")
        #expect(LVISError.invalid([]).code == "lvis.invalid")
    }

    @Test func descriptionsNameThePlace() {
        #expect(LVISError.malformed(path: "$.annotations[12].bbox", offset: 345, message: "bad").description
            == "malformed LVIS json at $.annotations[12].bbox (byte 345): bad")
        let v = LVISViolation(code: .annotationBoxTooSmall, severity: .error, path: "$.annotations[1].bbox", message: "m")
        #expect(LVISError.invalid([v]).description.contains("annotation.bbox_too_small at $.annotations[1].bbox"))
    }
}
