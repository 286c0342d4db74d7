import Foundation
import Testing
import XPastePipeline
import XPasteStages
import XPasteTestSupport

/// Pipeline files: the shipped ones load, bad ones fail with the file, line and field.
@Suite("Pipeline files")
struct PipelineSpecParserTests {
    static func error(_ yaml: String) -> PipelineError? {
        do {
            _ = try PipelineSpecParser.parse(yaml: yaml, origin: "p.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func shippedPipelinesLoad() throws {
        let catalog = try PipelineCatalog(folder: SharedData.repositoryRoot.appendingPathComponent("pipelines"))
        #expect(catalog.pipelines.keys.sorted() == ["composite", "upload", "xpaste"])
        let upload = try catalog.spec(named: "upload")
        #expect(upload.stages.map(\.stage) == [.ingest, .extract, .filter])
        #expect(upload.stages.map(\.enabled) == [true, true, false])
        #expect(upload.stages[1].with["segmenters"] == .array([.string("classical")]))
        let xpaste = try catalog.spec(named: "xpaste")
        #expect(xpaste.stages.map(\.stage) == [.crawl, .generate, .extract, .filter])
        #expect(xpaste.stages[3].with["min_clip"] == .int(21))
    }

    @Test func unknownStageNamesItsLine() {
        let e = Self.error("""
            name: p
            stages:
              - stage: extract
              - stage: paint
            """)
        guard case .invalidSpec(let location, let field, let message)? = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(location == "p.yaml:4")
        #expect(field == "$.stages[1].stage")
        #expect(message.contains("unknown stage \"paint\""))
    }

    @Test func badParameterNamesFieldAndLine() {
        let e = Self.error("""
            name: p
            stages:
              - stage: extract
                with:
                  segmenters: [classical]
                  batch_size: many
            """)
        guard case .invalidSpec(let location, let field, let message)? = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(location == "p.yaml:6")
        #expect(field == "$.stages[0].with.batch_size")
        #expect(message == "expected an integer")
    }

    @Test func outOfRangeAndUnknownParameters() {
        let range = Self.error("name: p\nstages:\n  - stage: filter\n    with: {min_area: 0.9, max_area: 0.1}\n")
        #expect(range?.code == "pipeline.invalid_spec")
        #expect(range?.description.contains("min_area ≤ max_area") == true)
        let unknown = Self.error("name: p\nstages:\n  - stage: extract\n    with:\n      segmenter: classical\n")
        guard case .invalidSpec(let location, let field, let message)? = unknown else { Issue.record("got \(String(describing: unknown))"); return }
        #expect(location == "p.yaml:5" && field == "$.stages[0].with.segmenter")
        #expect(message.hasPrefix("unknown parameter; known: batch_size, clip, segmenters, threshold"))
    }

    @Test func structuralErrors() {
        #expect(Self.error("")?.description == "p.yaml: $: the file is empty")
        #expect(Self.error("name: p\nstages: []\n")?.description.contains("at least one stage") == true)
        #expect(Self.error("name: P Q\nstages:\n  - stage: extract\n")?.description.contains("$.name") == true)
        // Yams refuses a repeated key itself; either way the key is named.
        let twice = Self.error("name: p\nname: q\nstages:\n  - stage: extract\n")
        #expect(twice?.code == "pipeline.invalid_spec" && twice?.description.contains("'name'") == true)
        #expect(Self.error("name: p\ncolour: red\nstages:\n  - stage: extract\n")?.description.contains("$.colour: unknown field") == true)
        #expect(Self.error("name: p\nstages:\n  - stage: extract\n  - stage: extract\n")?.description.contains("used twice") == true)
        #expect(Self.error("name: p\nstages:\n  - {stage: models}\n")?.code == "pipeline.invalid_spec")
        // A YAML syntax error names its line.
        let syntax = Self.error("name: p\nstages:\n  - stage: [extract\n")
        #expect(syntax?.description.hasPrefix("p.yaml:") == true && syntax?.description.contains("not valid YAML") == true)
        // Aliases could expand without bound: refused.
        let alias = Self.error("name: p\nx: &a [1]\nstages:\n  - stage: extract\n    with: *a\n")
        #expect(alias?.description.contains("alias") == true || alias?.description.contains("unknown field") == true)
    }

    @Test func sourcingStagesParseTheirParameters() throws {
        let spec = try PipelineSpecParser.parse(yaml: "name: p\nstages:\n  - stage: crawl\n    with: {count: 5}\n", origin: "p.yaml")
        #expect(spec.stages[0].stage == .crawl)
        #expect(try StagePlan.make(.generate, parameters: nil, path: "x") == .generate(GenerateParameters()))
        #expect(try StagePlan.make(.generate, parameters: .object(["steps": .int(4), "scheduler": .string("euler")]), path: "x")
            == .generate({ var p = GenerateParameters(); p.steps = 4; p.scheduler = "euler"; return p }()))
        #expect(throws: PipelineError.invalidRequest(field: "x.width", message: "must be a multiple of 8 in 64…2048, got 500")) {
            try StagePlan.make(.generate, parameters: .object(["width": .int(500)]), path: "x")
        }
        #expect(throws: PipelineError.self) { try StagePlan.make(.generate, parameters: .object(["scheduler": .string("lms")]), path: "x") }
        #expect(try StagePlan.make(.crawl, parameters: .object(["count": .int(5)]), path: "x") == .crawl({ var p = CrawlParameters(); p.count = 5; return p }()))
        #expect(throws: PipelineError.invalidRequest(field: "x.count", message: "must be in 1…1000000")) {
            try StagePlan.make(.crawl, parameters: .object(["count": .int(0)]), path: "x")
        }
    }
}
