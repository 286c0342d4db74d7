import Foundation
import Testing
import XPastePipeline

/// Job requests as clients send them.
@Suite("Job requests")
struct JobRequestTests {
    static func parse(_ json: String) throws -> JobRequest {
        try JobRequest.parse(try PipelineValue.json(Data(json.utf8)))
    }

    static func field(_ json: String) -> String? {
        do {
            _ = try parse(json)
            return nil
        } catch let PipelineError.invalidRequest(field, _) {
            return field
        } catch {
            return "other: \(error)"
        }
    }

    @Test func categoriesAsNamesOrObjects() throws {
        let r = try Self.parse("""
            {"categories": ["dog", {"name": "aerosol can", "synonyms": ["spray can"], "def": "a can", "lvis_id": 3}],
             "pipeline": "upload", "overrides": {"filter": {"enabled": true}}, "pull_missing": true}
            """)
        #expect(r.categories == [CategoryRequest(name: "dog"), CategoryRequest(name: "aerosol can", synonyms: ["spray can"], def: "a can", lvisId: 3)])
        #expect(r.pipeline == .named("upload"))
        #expect(r.overrides["filter"] == .object(["enabled": .bool(true)]))
        #expect(r.pullMissing)
    }

    @Test func inlinePipeline() throws {
        let r = try Self.parse(#"{"categories": ["x"], "pipeline": {"name": "mine", "stages": [{"stage": "extract"}]}}"#)
        guard case .inline(let v) = r.pipeline else { Issue.record("not inline"); return }
        #expect(try PipelineSpecParser.parse(v).stages.map(\.stage) == [.extract])
    }

    @Test func badRequestsNameTheirField() {
        #expect(Self.field("[]") == "$")
        #expect(Self.field(#"{"categories": ["x"]}"#) == "$.pipeline")
        #expect(Self.field(#"{"pipeline": "upload", "colour": 1}"#) == "$.colour")
        #expect(Self.field(#"{"pipeline": "upload", "categories": "dog"}"#) == "$.categories")
        #expect(Self.field(#"{"pipeline": "upload", "categories": [""]}"#) == "$.categories[0]")
        #expect(Self.field(#"{"pipeline": "upload", "categories": [{"name": "a", "lvis_id": 99999}]}"#) == "$.categories[0].lvis_id")
        #expect(Self.field(#"{"pipeline": "upload", "categories": [{"name": "a", "size": 1}]}"#) == "$.categories[0].size")
        #expect(Self.field(#"{"pipeline": "upload", "overrides": {"filter": 3}}"#) == "$.overrides.filter")
        #expect(Self.field(#"{"pipeline": "upload", "pull_missing": "yes"}"#) == "$.pull_missing")
        let many = "[" + (0...JobRequest.maximumCategories).map { "\"c\($0)\"" }.joined(separator: ",") + "]"
        #expect(Self.field(#"{"pipeline": "upload", "categories": \#(many)}"#) == "$.categories")
    }
}
