import Foundation
import Testing
import XPasteBank
import XPastePipeline

/// What a submission is refused for, at once, before any job exists.
@Suite("Job planning")
struct JobPlannerTests {
    static func request(_ json: String) throws -> JobRequest {
        try JobRequest.parse(try PipelineValue.json(Data(json.utf8)))
    }

    @Test func missingModelsAreNamedWithTheirRemedy() async throws {
        let f = try PipelineFixture()
        let r = try Self.request(#"{"categories": ["dog"], "pipeline": "upload", "overrides": {"filter": {"enabled": true}}}"#)
        await #expect(throws: PipelineError.missingModels([.init(
            name: "clip-vit-l-14", stage: "filter", remedy: "run `xpaste models pull clip-vit-l-14`, or submit with \"pull_missing\": true")])) {
            try await f.runner.planner.job(for: r, idempotencyKey: nil)
        }
        // With pull_missing, a models stage comes first.
        var pull = r
        pull.pullMissing = true
        let job = try await f.runner.planner.job(for: pull, idempotencyKey: nil)
        #expect(job.stages.map(\.stage) == [.models, .ingest, .extract, .filter])
        #expect(job.stages[0].parameters == .object(["pull": .array([.string("clip-vit-l-14")])]))
        // A model not in the catalogue cannot be pulled.
        let unknown = try Self.request(#"{"categories": ["dog"], "pipeline": "upload", "pull_missing": true, "overrides": {"extract": {"segmenters": ["mine"]}}}"#)
        await #expect(throws: PipelineError.self) { try await f.runner.planner.job(for: unknown, idempotencyKey: nil) }
    }

    /// A stage the server sends to workers needs its models on the workers, not here.
    @Test func stagesOnWorkersNeedNoModelsHere() async throws {
        let f = try PipelineFixture()
        let r = try Self.request(#"{"categories": ["dog"], "pipeline": "upload", "overrides": {"filter": {"enabled": true}}}"#)
        let local = f.runner.planner
        let dispatching = JobPlanner(
            catalog: local.catalog, models: local.models, paths: local.paths, bank: local.bank, modelCatalog: local.modelCatalog,
            workerStages: [.filter])
        let job = try await dispatching.job(for: r, idempotencyKey: nil)
        #expect(job.stages.map(\.stage) == [.ingest, .extract, .filter])
        // The same request on a server that runs the filter itself is refused: its CLIP is missing.
        await #expect(throws: PipelineError.self) { try await local.job(for: r, idempotencyKey: nil) }
    }

    @Test func categoriesResolveAndStagesPlan() async throws {
        let f = try PipelineFixture()
        try await f.bank.upsertCategories([BankCategory(id: 3, name: "aerosol_can", synonyms: ["spray_can"])])
        let job = try await f.runner.planner.job(
            for: try Self.request(#"{"categories": ["spray can", "Puppy", {"name": "x", "lvis_id": 12}], "pipeline": "upload"}"#),
            idempotencyKey: "k")
        #expect(job.categories.map(\.id) == [3, BankCategory.userIdBase, 12])
        #expect(job.categories.map(\.name) == ["aerosol_can", "Puppy", "x"])
        #expect(job.stages.map(\.state) == [.pending, .pending, .skipped])
        #expect(job.state == .queued && job.idempotencyKey == "k" && job.attempt == 1)
    }

    @Test func refusals() async throws {
        let f = try PipelineFixture()
        func code(_ json: String) async -> String? {
            do {
                _ = try await f.runner.planner.job(for: try Self.request(json), idempotencyKey: nil)
                return nil
            } catch let e as PipelineError {
                return e.code
            } catch {
                return "other"
            }
        }
        // X-Paste's pipeline needs Stable Diffusion and the segmenters and CLIP it names.
        #expect(await code(#"{"categories": ["dog"], "pipeline": "xpaste"}"#) == "pipeline.missing_models")
        #expect(await code(#"{"categories": ["dog"], "pipeline": "nope"}"#) == "pipeline.unknown")
        #expect(await code(#"{"categories": [], "pipeline": "upload"}"#) == "job.invalid_request")
        #expect(await code(#"{"categories": ["dog"], "pipeline": "upload", "overrides": {"paint": {}}}"#) == "job.invalid_request")
        #expect(await code(#"{"categories": ["dog"], "pipeline": "upload", "overrides": {"ingest": {"folder": "/etc"}}}"#) == "path.not_allowed")
        #expect(await code(#"{"categories": ["dog"], "pipeline": "upload", "overrides": {"ingest": {"folder": "../../.."}}}"#) == "path.not_allowed")
        #expect(await code(#"{"categories": ["dog"], "pipeline": "upload", "overrides": {"ingest": {"folder": "missing"}}}"#) == "path.not_found")
        #expect(await code(#"{"categories": ["dog"], "pipeline": "upload", "overrides": {"extract": {"threshold": 999}}}"#) == "job.invalid_request")
        #expect(await code(#"{"categories": ["dog"], "pipeline": "upload", "overrides": {"ingest": {"enabled": false}, "extract": {"enabled": false}}}"#) == "job.invalid_request")
        // A composite job needs no category.
        #expect(await code(#"{"pipeline": "composite"}"#) == nil)
        // A link inside the data folder that points outside is refused too.
        try FileManager.default.createSymbolicLink(at: f.directory.appendingPathComponent("escape"), withDestinationURL: URL(fileURLWithPath: "/etc"))
        #expect(await code(#"{"categories": ["dog"], "pipeline": "upload", "overrides": {"ingest": {"folder": "escape"}}}"#) == "path.not_allowed")
    }

    @Test func aRefusedRequestWritesNoCategory() async throws {
        let f = try PipelineFixture()
        let clash = try Self.request(#"{"categories": ["new one", {"name": "dog", "lvis_id": 5}, {"name": "cat", "lvis_id": 5}], "pipeline": "upload"}"#)
        await #expect(throws: PipelineError.self) { try await f.runner.planner.job(for: clash, idempotencyKey: nil) }
        #expect(try f.bank.categories().isEmpty)
        // With an LVIS vocabulary loaded, ids it lacks and names that are not the id's are refused.
        try await f.bank.upsertCategories([BankCategory(id: 5, name: "dog", synonyms: ["puppy"], synset: "dog.n.01", frequency: .frequent)])
        let wrongName = try Self.request(#"{"categories": [{"name": "cat", "lvis_id": 5}], "pipeline": "upload"}"#)
        await #expect(throws: PipelineError.invalidRequest(field: "$.categories[0].name", message: "LVIS category 5 is \"dog\", not \"cat\"")) {
            try await f.runner.planner.job(for: wrongName, idempotencyKey: nil)
        }
        let unknown = try Self.request(#"{"categories": [{"name": "yak", "lvis_id": 77}], "pipeline": "upload"}"#)
        await #expect(throws: PipelineError.self) { try await f.runner.planner.job(for: unknown, idempotencyKey: nil) }
        let synonym = try await f.runner.planner.job(for: try Self.request(#"{"categories": [{"name": "Puppy", "lvis_id": 5}], "pipeline": "upload"}"#), idempotencyKey: nil)
        #expect(synonym.categories == [JobCategory(id: 5, name: "dog")])
        #expect(try f.bank.categories().map(\.id) == [5])
    }
}
