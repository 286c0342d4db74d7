import Testing
@testable import XPasteBank

@Suite struct BankErrorTests {
    @Test func codesAreStable() {
        #expect(BankError.notABank("x").code == "bank.not_a_bank")
    }
}
