import Testing
@testable import XPasteLVIS

@Suite struct LVISErrorTests {
    @Test func codesAreStable() {
        #expect(LVISError.malformed(path: "$.images[0]", message: "x").code == "lvis.malformed")
        #expect(LVISError.io("x").code == "lvis.io")
    }
}
