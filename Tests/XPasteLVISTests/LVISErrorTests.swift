import Foundation
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

/// Hostile inputs the readers must refuse with a typed error instead of trapping or hanging.
@Suite struct LVISHostileInputTests {
    /// `{"info": [[[[…]]]], …}` nested 100 000 deep overflowed the stack of the recursive skipper.
    @Test func deepNestingIsATypedError() throws {
        let depth = 100_000
        let json = "{\"info\": " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            + ", \"images\": [], \"annotations\": [], \"categories\": []}"
        #expect {
            try LVISReader(bytes: Array(json.utf8)).read(images: { _ in })
        } throws: { error in
            guard let e = error as? LVISError, case .malformed(_, _, let message) = e else { return false }
            return e.code == "lvis.malformed" && message.contains("nested deeper than \(JSONScanner.maxDepth)")
        }
        // Unknown members of a category and a size prior go through the same skipper.
        let categories = "[{\"id\": 1, \"name\": \"a\", \"x\": " + String(repeating: "{\"a\":", count: depth) + "1"
            + String(repeating: "}", count: depth) + "}]"
        #expect(throws: LVISError.self) { try LVISReader(bytes: Array(categories.utf8)).readCategories() }
        let prior = "{\"1\": [0.1, 0.2], \"x\": " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        #expect(throws: (any Error).self) { try LVISSizePrior(jsonBytes: Array(prior.utf8)) }
        // Legitimate nesting (a polygon list is 3 deep) still reads.
        let ok = "{\"info\": [[[[1]]]], \"images\": [], \"annotations\": [], \"categories\": []}"
        #expect(throws: Never.self) { try LVISReader(bytes: Array(ok.utf8)).read(images: { _ in }) }
    }

    /// A FIFO named like an annotation file blocked `open` forever; now it is refused at once.
    @Test func fifoIsRefusedWithoutBlocking() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString).json").path
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        #expect {
            try LVISReader(url: URL(fileURLWithPath: path)).read(images: { _ in })
        } throws: { error in
            (error as? LVISError)?.code == "lvis.io" && "\(error)".contains("not a regular file")
        }
    }
}

extension LVISHostileInputTests {
    /// Boxes of 1e300 overflowed to inf and the prior was written as `[0, 0]` with success.
    @Test func overflowingSizesAreAnError() throws {
        let json = """
            {"images": [{"id": 1, "width": 640, "height": 480}], "categories": [{"id": 7, "name": "x"}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 7, "bbox": [0, 0, 1e300, 1e300], "area": 1, "segmentation": [[0, 0, 1, 0, 1, 1]]}]}
            """
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("overflow-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect {
            try LVISSizePrior.compute(fromFileAt: url)
        } throws: { error in
            guard let e = error as? LVISError, case .invalid(let v) = e else { return false }
            return v.map(\.code) == [.annotationNonFinite] && v[0].message.contains("category 7")
        }
        let prior = LVISSizePrior(statistics: [7: .init(mean: .infinity, std: 0)])
        #expect(throws: LVISError.self) { try prior.write(to: url) }
    }

    /// `lvis-stats -o LINK` replaced the link (or, as root, `/dev/full`) by a regular file.
    @Test func writeRefusesToReplaceLinksAndDevices() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("prior-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("target.json"), link = dir.appendingPathComponent("link.json")
        try Data("keep".utf8).write(to: target)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let prior = LVISSizePrior(statistics: [1: .init(mean: 0.5, std: 0.1)])
        for url in [link, URL(fileURLWithPath: "/dev/null")] {
            #expect {
                try prior.write(to: url)
            } throws: { error in
                (error as? LVISError)?.code == "lvis.io" && "\(error)".contains("not a regular file")
            }
        }
        #expect(try String(contentsOf: target, encoding: .utf8) == "keep")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == target.path)
        let plain = dir.appendingPathComponent("plain.json")
        try prior.write(to: plain)
        #expect(try Data(contentsOf: plain) == prior.jsonData())
    }
}
