import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import XPasteServer

/// `/v1/jobs…` and `/v1/pipelines…`.
@Suite("Job routes", .serialized)
struct JobRouteTests {
    @Test func submitWatchAndList() async throws {
        let f = try await ServerFixture()
        try await f.test { client in
            _ = try await upload(client, f, category: "horse", images: ["horse.png", "chelsea.png"])
            var headers = f.jsonAuth
            headers[HTTPField.Name("Idempotency-Key")!] = "submit-1"
            let body = ByteBuffer(string: #"{"categories": ["horse"], "pipeline": "upload"}"#)
            let id = try await client.execute(uri: "/v1/jobs", method: .post, headers: headers, body: body) { (r: TestResponse) throws in
                #expect(r.status == .accepted)
                let job = try json(r)
                let id = try #require(job["id"] as? String)
                #expect(r.headers[.location] == "/v1/jobs/\(id)")
                #expect(job["pipeline"] as? String == "upload" && job["state"] as? String == "queued")
                return id
            }
            // The same key gives the same job, with 200.
            try await client.execute(uri: "/v1/jobs", method: .post, headers: headers, body: body) { (r: TestResponse) throws in
                let again = try json(r)["id"] as? String
                #expect(r.status == .ok && again == id)
            }
            // The same key with another body is refused; on another route it is another key.
            try await client.execute(uri: "/v1/jobs", method: .post, headers: headers,
                                     body: ByteBuffer(string: #"{"categories": ["cat"], "pipeline": "upload"}"#)) { (r: TestResponse) throws in
                let code = try problemCode(r)
                #expect(r.status == .unprocessableContent && code == "request.idempotency_key_reused")
            }
            try await client.execute(uri: "/v1/datasets", method: .post, headers: headers, body: ByteBuffer(string: #"{"images": 1}"#)) { (r: TestResponse) throws in
                let other = try json(r)["id"] as? String
                #expect(r.status == .accepted && other != id)
            }
            let job = try await waitForJob(client, id)
            #expect(job["state"] as? String == "succeeded")
            let stages = try #require(job["stages"] as? [[String: Any]])
            #expect(stages.map { $0["state"] as? String } == ["done", "done", "skipped"])
            #expect(stages[1]["done"] as? Int == 2 && stages[1]["total"] as? Int == 2)
            // The full history as server-sent events; the stream ends with the job.
            let events = try await client.execute(uri: "/v1/jobs/\(id)/events", method: .get) { (r: TestResponse) throws in
                #expect(r.status == .ok && r.headers[.contentType] == "text/event-stream")
                return String(buffer: r.body)
            }
            let ids = events.split(separator: "\n").filter { $0.hasPrefix("id: ") }.map { Int($0.dropFirst(4))! }
            #expect(ids == Array(1...ids.count))
            #expect(events.contains("event: state\ndata: {\"attempt\":1,\"state\":\"succeeded\"}"))
            // Resuming after the last id seen sends only what came later.
            let tail = try await client.execute(uri: "/v1/jobs/\(id)/events", method: .get, headers: [HTTPField.Name("Last-Event-ID")!: "\(ids.count - 1)"]) {
                String(buffer: $0.body)
            }
            #expect(tail.split(separator: "\n").filter { $0.hasPrefix("id: ") } == ["id: \(ids.count)"])
            try await client.execute(uri: "/v1/jobs/\(id)/events?after=x", method: .get) { (r: TestResponse) throws in
                #expect(try problemCode(r) == "request.invalid_parameter")
            }
            // Listing, newest first, paged.
            try await client.execute(uri: "/v1/jobs?limit=1&state=succeeded", method: .get) { (r: TestResponse) throws in
                let page = try json(r)
                #expect((page["jobs"] as? [[String: Any]])?.first?["id"] as? String == id)
            }
            try await client.execute(uri: "/v1/jobs?state=sleeping", method: .get) { (r: TestResponse) throws in
                #expect(try problemCode(r) == "request.invalid_parameter")
            }
            // Retry a finished job; cancel a finished one is a conflict.
            try await client.execute(uri: "/v1/jobs/\(id)/retry", method: .post, headers: f.auth) { (r: TestResponse) throws in
                let attempt = try json(r)["attempt"] as? Int
                #expect(r.status == .accepted && attempt == 2)
            }
            _ = try await waitForJob(client, id)
            try await client.execute(uri: "/v1/jobs/\(id)/cancel", method: .post, headers: f.auth) { (r: TestResponse) throws in
                let code = try problemCode(r)
                #expect(r.status == .conflict && code == "job.invalid_transition")
            }
            try await client.execute(uri: "/v1/jobs/nope", method: .get) { (r: TestResponse) throws in #expect(try problemCode(r) == "job.not_found") }
            try await client.execute(uri: "/v1/pipelines", method: .get) { (r: TestResponse) throws in
                let names = (try json(r)["pipelines"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
                #expect(names == ["composite", "upload", "xpaste"])
            }
            try await client.execute(uri: "/v1/pipelines/nope", method: .get) { (r: TestResponse) throws in #expect(r.status == .notFound) }
        }
    }

    @Test func refusedSubmissions() async throws {
        let f = try await ServerFixture(limits: { var l = ServerConfiguration.Limits(); l.jsonBodyBytes = 4096; return l }())
        try await f.test { client in
            func post(_ text: String, headers: HTTPFields? = nil) async throws -> (HTTPResponse.Status, String, [String: Any]) {
                try await client.execute(uri: "/v1/jobs", method: .post, headers: headers ?? f.jsonAuth, body: ByteBuffer(string: text)) { (r: TestResponse) throws in
                    (r.status, try problemCode(r), try json(r))
                }
            }
            var (status, code, body) = try await post("{not json")
            #expect(status == .badRequest && code == "request.malformed_json")
            (status, code, _) = try await post("{}", headers: [.authorization: "Bearer \(f.token)", .contentType: "text/plain"])
            #expect(status == .unsupportedMediaType && code == "request.unsupported_media_type")
            (status, code, _) = try await post(#"{"categories": ["x"], "pipeline": "upload", "pad": "\#(String(repeating: "a", count: 5000))"}"#)
            #expect(status == .contentTooLarge && code == "request.too_large")
            (status, code, body) = try await post(#"{"categories": ["dog"], "pipeline": "xpaste"}"#)
            #expect(status == .unprocessableContent && code == "pipeline.missing_models")
            #expect((body["missing_models"] as? [[String: Any]])?.contains { $0["name"] as? String == "sd-1.5" && $0["stage"] as? String == "generate" } == true)
            (status, code, body) = try await post(#"{"categories": ["dog"], "pipeline": "upload", "overrides": {"filter": {"enabled": true}}}"#)
            #expect(code == "pipeline.missing_models")
            let missing = try #require(body["missing_models"] as? [[String: Any]])
            #expect(missing.first?["name"] as? String == "clip-vit-l-14")
            #expect((missing.first?["remedy"] as? String)?.contains("xpaste models pull clip-vit-l-14") == true)
            (status, code, body) = try await post(#"{"categories": ["dog"], "pipeline": "upload", "overrides": {"extract": {"batch_size": 0}}}"#)
            #expect(status == .unprocessableContent && code == "job.invalid_request" && body["field"] as? String == "$.overrides.extract.batch_size")
            (status, code, body) = try await post(#"{"categories": ["dog"], "pipeline": "upload", "overrides": {"ingest": {"folder": "/etc"}}}"#)
            #expect(status == .forbidden && code == "path.not_allowed" && (body["rule"] as? String)?.contains("--allow-path") == true)
            (status, code, _) = try await post(#"{"categories": ["dog"], "pipeline": "mine"}"#)
            #expect(code == "pipeline.unknown")
            (status, code, body) = try await post(#"{"categories": ["dog"], "pipeline": {"name": "x", "stages": [{"stage": "blend"}]}}"#)
            #expect(code == "pipeline.invalid_spec" && body["field"] as? String == "$.stages[0].stage")
            var bad = f.jsonAuth
            bad[HTTPField.Name("Idempotency-Key")!] = String(repeating: "k", count: 201)
            (status, code, _) = try await post(#"{"categories": ["dog"], "pipeline": "upload"}"#, headers: bad)
            #expect(code == "request.invalid_idempotency_key")
        }
    }

    @Test func theCLIPFilterRunsWhenSwitchedOn() async throws {
        let f = try await ServerFixture()
        try await f.test { client in
            _ = try await upload(client, f, category: "horse", images: ["horse.png", "chelsea.png", "coffee.png"])
            let body = ByteBuffer(string: #"{"categories": ["horse"], "pipeline": "upload", "overrides": {"filter": {"enabled": true, "clip": "clip-tiny", "min_area": 0}}}"#)
            let id = try await client.execute(uri: "/v1/jobs", method: .post, headers: f.jsonAuth, body: body) { try json($0)["id"] as! String }
            let job = try await waitForJob(client, id)
            #expect(job["state"] as? String == "succeeded", "\(job)")
            let stages = try #require(job["stages"] as? [[String: Any]])
            #expect(stages.map { $0["state"] as? String } == ["done", "done", "done"])
            // Every instance was decided by the filter, with its score stored.
            let page = try await client.execute(uri: "/v1/instances?job=\(id)", method: .get) { try json($0) }
            let instances = try #require(page["instances"] as? [[String: Any]])
            #expect(instances.count == 3)
            #expect(instances.allSatisfy { $0["decided_by"] as? String == "filter" && $0["clip_score"] is Double })
            #expect(instances.contains { $0["status"] as? String == "accepted" })
        }
    }
}
