import Foundation
import Testing
import XPasteTestSupport
@testable import XPasteLVIS

@Suite struct LVISSizePriorTests {
    /// A dataset with varied image sizes and boxes: category 1 has a single annotation, category 2
    /// has 10 000 (past NumPy's 8192-element reduction blocks), the others a few hundred.
    private func generatedDataset(at url: URL) throws {
        var rng = SplitMix64(seed: 2026)
        let writer = try LVISWriter(url: url, options: .init(durable: false))
        var annotationID = 1
        let plan: [(category: Int, count: Int)] = [(1, 1), (2, 10_000), (3, 300), (4, 7), (5, 129), (6, 2)]
        var remaining = plan.flatMap { Array(repeating: $0.category, count: $0.count) }
        remaining.shuffle(using: &rng)
        var imageID = 0
        while !remaining.isEmpty {
            imageID += 1
            let w = Int.random(in: 64...1024, using: &rng), h = Int.random(in: 64...1024, using: &rng)
            try writer.append(LVISFixtures.image(imageID, width: w, height: h))
            for _ in 0..<min(remaining.count, Int.random(in: 1...20, using: &rng)) {
                let category = remaining.removeLast()
                let bw = (Double.random(in: 1...Double(w), using: &rng) * 100).rounded() / 100
                let bh = (Double.random(in: 1...Double(h), using: &rng) * 100).rounded() / 100
                let x = ((Double(w) - bw) * Double.random(in: 0...1, using: &rng) * 100).rounded(.down) / 100
                let y = ((Double(h) - bh) * Double.random(in: 0...1, using: &rng) * 100).rounded(.down) / 100
                try writer.append(LVISFixtures.annotation(annotationID, image: imageID, category: category, x: x, y: y, w: bw, h: bh))
                annotationID += 1
            }
        }
        try writer.finish(categories: LVISFixtures.categories(6))
    }

    @Test func matchesNumPyOnAGeneratedFile() throws {
        let dir = try LVISFixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("gen.json")
        try generatedDataset(at: url)
        let (prior, summary) = try LVISSizePrior.compute(fromFileAt: url)
        #expect(summary.annotationCount == 10_439 && summary.categoryCount == 6)
        #expect(summary.unknownImageCount == 0 && summary.emptyImageCount == 0)
        let numpy = try LVISSizePrior(jsonBytes: ReferencePython.run(script: "Tests/XPasteLVISTests/Reference/size_prior.py", arguments: [url.path]))
        #expect(Set(numpy.statistics.keys) == Set(prior.statistics.keys))
        for (id, expected) in numpy.statistics {
            let ours = try #require(prior[categoryID: id])
            // Same summation order as NumPy (pairwise), so the values agree to the bit.
            #expect(ours.mean == expected.mean, "category \(id) mean")
            #expect(ours.std == expected.std, "category \(id) std")
        }
        #expect(prior[categoryID: 1]?.std == 0)
    }

    @Test func orderOfSectionsDoesNotMatter() throws {
        // Annotations before images, as in the official train file.
        let text = """
        {"annotations": [{"id": 1, "image_id": 2, "category_id": 7, "area": 1, "bbox": [0, 0, 10, 40], "segmentation": []},
                         {"id": 2, "image_id": 2, "category_id": 7, "area": 1, "bbox": [0, 0, 20, 20], "segmentation": []},
                         {"id": 3, "image_id": 9, "category_id": 7, "area": 1, "bbox": [0, 0, 20, 20], "segmentation": []}],
         "images": [{"id": 2, "width": 100, "height": 16}]}
        """
        var accumulator = LVISSizePriorAccumulator()
        try LVISReader(bytes: text.bytes).read(into: &accumulator)
        let (prior, summary) = accumulator.finish()
        // s = sqrt(400 / 1600) = 0.5 for both boxes.
        #expect(prior.statistics == [7: .init(mean: 0.5, std: 0)])
        #expect(summary.annotationCount == 2 && summary.unknownImageCount == 1)
    }

    @Test func writesTheReferenceFormat() throws {
        let reference = SharedData.directory.appendingPathComponent("lvis_v1_size_prior.json")
        let prior = try LVISSizePrior(contentsOf: reference)
        #expect(prior.statistics.count == 1203)
        #expect(prior[categoryID: 1202] == .init(mean: 0.27855566777272633, std: 0.22383747588210637))
        // Text identical to Python's json.dump of the same object with keys in id order.
        let python = try ReferencePython.run(script: "Tests/XPasteLVISTests/Reference/dump_sorted.py", arguments: [reference.path])
        #expect(prior.jsonData() == python)
        #expect(try LVISSizePrior(jsonBytes: prior.jsonData()) == prior)
    }

    @Test func referenceStdIsThePopulationStd() throws {
        // The X-Paste prior has std exactly 0 for categories with one LVIS training instance; the
        // sample std (ddof 1) would be undefined there, so the reference uses ddof 0 like we do.
        let prior = try LVISSizePrior(contentsOf: SharedData.directory.appendingPathComponent("lvis_v1_size_prior.json"))
        let vocabulary = try LVISVocabulary(contentsOf: SharedData.directory.appendingPathComponent("lvis_v1_categories.json"))
        let singletons = vocabulary.categories.filter { $0.instanceCount == 1 }
        #expect(!singletons.isEmpty)
        #expect(singletons.allSatisfy { prior[categoryID: $0.id]?.std == 0 })
    }

    @Test func malformedPriorFilesNameTheKey() {
        #expect {
            _ = try LVISSizePrior(jsonBytes: #"{"1": [0.5, 0.1], "2": [0.5]}"#.bytes)
        } throws: { error in
            guard case LVISError.malformed(let path, _, let message) = error else { return false }
            return path == "$[\"2\"]" && message.contains("[mean, std]")
        }
        #expect {
            _ = try LVISSizePrior(jsonBytes: #"{"1": [0.5, "x"]}"#.bytes)
        } throws: { error in
            guard case LVISError.malformed(let path, _, _) = error else { return false }
            return path == "$[\"1\"][1]"
        }
        #expect(throws: LVISError.self) { _ = try LVISSizePrior(jsonBytes: #"{"cat": [0.5, 0.1]}"#.bytes) }
    }

    @Test func writeIsAtomicAndReadable() throws {
        let dir = try LVISFixtures.temporaryDirectory()
        let url = dir.appendingPathComponent("prior.json")
        let prior = LVISSizePrior(statistics: [3: .init(mean: 0.25, std: 0), 1: .init(mean: 1, std: 1e-05)])
        try prior.write(to: url)
        #expect(String(decoding: try Data(contentsOf: url), as: UTF8.self) == #"{"1": [1.0, 1e-05], "3": [0.25, 0.0]}"#)
        #expect(try LVISSizePrior(contentsOf: url) == prior)
    }
}
