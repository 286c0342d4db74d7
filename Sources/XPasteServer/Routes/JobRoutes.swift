import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import XPasteStages
import XPasteBank
import XPastePipeline

/// `/v1/jobs…` and `/v1/pipelines…`: submit, list, watch (server-sent events), cancel and retry
/// jobs; list the installed pipelines.
struct JobRoutes: Sendable {
    let runner: JobRunner
    let catalog: PipelineCatalog
    let limits: ServerConfiguration.Limits
    /// How often an idle event stream sends a comment so proxies keep it open.
    let heartbeat: Duration

    func register(on router: Router<AppRequestContext>) {
        router.post("/v1/jobs") { request, _ in try await submit(request) }
        router.get("/v1/jobs") { request, _ in try await list(request) }
        router.get("/v1/jobs/:id") { _, context in try await APIJSON.response(try job(context)) }
        router.get("/v1/jobs/:id/events") { request, context in try await events(request, context: context) }
        router.post("/v1/jobs/:id/cancel") { _, context in
            try await APIJSON.response(try runner.cancel(try context.parameters.require("id")), status: .accepted)
        }
        router.post("/v1/jobs/:id/retry") { _, context in
            try APIJSON.response(try await runner.retry(try context.parameters.require("id")), status: .accepted)
        }
        router.get("/v1/pipelines") { _, _ in
            try APIJSON.response(["pipelines": catalog.pipelines.keys.sorted().map { catalog.pipelines[$0]! }])
        }
        router.get("/v1/pipelines/:name") { _, context in
            let name = try context.parameters.require("name")
            guard let spec = catalog.pipelines[name] else {
                throw ProblemError(.notFound, code: PipelineError.unknownPipeline(name).code, detail: PipelineError.unknownPipeline(name).description)
            }
            return try APIJSON.response(spec)
        }
    }

    /// Parses the body, checks and queues the job: 202 with `Location`, or 200 with the job an
    /// earlier request with the same `Idempotency-Key` made.
    func submit(_ request: Request) async throws -> Response {
        let key = request.headers[HTTPField.Name("Idempotency-Key")!]
        if let key, key.isEmpty || key.count > 200 {
            throw ProblemError(.unprocessableContent, code: "request.invalid_idempotency_key",
                               detail: "Idempotency-Key must be 1–200 characters", extra: ["field": .string("Idempotency-Key")])
        }
        let value: PipelineValue
        do {
            value = try PipelineValue.json(try await APIJSON.body(request, limit: limits.jsonBodyBytes))
        } catch let error as DecodingError {
            throw ProblemError(.badRequest, code: "request.malformed_json", detail: "the body is not valid JSON: \(error.localizedDescription)")
        }
        let parsed = try JobRequest.parse(value)
        let runner = runner, scoped = key.map { "jobs:\($0)" }, fingerprint = SHA256Digest(hashing: value.jsonData()).hex
        let (job, created) = try await runner.submit(parsed, idempotencyKey: scoped, fingerprint: fingerprint)
        return try APIJSON.response(job, status: created ? .accepted : .ok, headers: [.location: "/v1/jobs/\(job.id)"])
    }

    struct JobPage: Encodable {
        var jobs: [JobRecord]
        var nextCursor: String?
    }

    func list(_ request: Request) async throws -> Response {
        let query = QueryReader(request)
        let limit = try query.int("limit", in: 1...limits.pageSize) ?? 50
        let states = try query.enums("state", JobState.self)
        let jobs = try await runner.store.jobs(states: states, beforeId: query.string("cursor"), limit: limit)
        return try APIJSON.response(JobPage(jobs: jobs, nextCursor: jobs.count == limit ? jobs.last?.id : nil))
    }

    func job(_ context: AppRequestContext) async throws -> JobRecord {
        let id = try context.parameters.require("id")
        guard let job = try await runner.store.job(id) else { throw PipelineError.unknownJob(id) }
        return job
    }

    /// The job's history as server-sent events from after `Last-Event-ID` (or `?after=`), then
    /// live; the stream ends once the job has finished and every event was sent.
    func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        let id = try await job(context).id
        let resumeFrom = request.headers[HTTPField.Name("Last-Event-ID")!] ?? QueryReader(request).string("after")
        var after: Int64 = 0
        if let text = resumeFrom {
            guard let n = Int64(text), n >= 0 else {
                throw ProblemError(.unprocessableContent, code: "request.invalid_parameter",
                                   detail: "Last-Event-ID must be an event number, got \"\(text.prefix(40))\"", extra: ["field": .string("Last-Event-ID")])
            }
            after = n
        }
        let store = runner.store, heartbeat = heartbeat, start = after
        let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no"]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            var last = start
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            while true {
                let generation = store.notifier.generation
                let batch = try await store.events(of: id, after: last, limit: 500)
                for event in batch {
                    let data = String(decoding: event.data.jsonData(), as: UTF8.self)
                    try await writer.write(ByteBuffer(string: "id: \(event.sequence)\nevent: \(event.kind)\ndata: \(data)\n\n"))
                    last = event.sequence
                }
                // Read again at once after sending: the job may have finished meanwhile.
                if !batch.isEmpty { continue }
                if let job = try await store.job(id), job.state.isFinished {
                    // The finishing event commits with the state, possibly after the empty read
                    // above: one more read sends it before the stream ends.
                    if try await store.events(of: id, after: last, limit: 1).isEmpty { break }
                    continue
                }
                if store.notifier.isClosed { break }
                let changed = await store.notifier.wait(for: id, after: generation, timeout: heartbeat)
                if !changed { try await writer.write(ByteBuffer(string: ": keep-alive\n\n")) }
            }
            try await writer.finish(nil)
        })
    }
}
