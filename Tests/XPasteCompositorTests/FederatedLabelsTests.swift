import Testing
@testable import XPasteCompositor

@Suite struct FederatedLabelsTests {
    let bg = FederatedLabels.Background(positive: [1, 2, 3], negative: [10, 11], notExhaustive: [3])

    @Test func pastedNegativeCategoryLeavesNegativesAndStaysExhaustive() {
        let labels = FederatedLabels.after(background: bg, visible: [1, 2, 3, 10], pasted: [10], remnants: [])
        #expect(labels.negative == [11])
        #expect(labels.notExhaustive == [3])
    }

    @Test func pastedUnverifiedCategoryBecomesNotExhaustive() {
        let labels = FederatedLabels.after(background: bg, visible: [1, 2, 3, 20], pasted: [20], remnants: [])
        #expect(labels.negative == [10, 11])
        #expect(labels.notExhaustive == [3, 20])
    }

    @Test func pastedPositiveCategoryKeepsItsExhaustiveness() {
        let labels = FederatedLabels.after(background: bg, visible: [1, 2, 3], pasted: [1], remnants: [])
        #expect(labels.notExhaustive == [3])
    }

    @Test func droppedObjectWithVisibleRemnantMakesItsCategoryNotExhaustive() {
        let labels = FederatedLabels.after(background: bg, visible: [1, 3], pasted: [], remnants: [2])
        #expect(labels.notExhaustive == [2, 3])
        #expect(labels.negative == [10, 11])
    }

    @Test func exhaustiveCategoryFullyCoveredBecomesNegative() {
        let labels = FederatedLabels.after(background: bg, visible: [1, 3, 30], pasted: [30], remnants: [])
        #expect(labels.negative == [2, 10, 11])
        // Category 3 was not exhaustive: unannotated instances may still show, so it stays so.
        #expect(labels.notExhaustive == [3, 30])
    }

    @Test func unlabelledBackgroundMarksEveryPastedCategory() {
        let labels = FederatedLabels.after(background: .unlabelled, visible: [5, 6], pasted: [5, 6], remnants: [7])
        #expect(labels.negative == [])
        #expect(labels.notExhaustive == [5, 6, 7])
    }
}
