import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import XPasteServer

/// Health, readiness, metrics, the API document, models, and the auth rules.
@Suite("System routes and auth", .serialized)
struct SystemRouteTests {
    @Test func healthReadinessMetricsModels() async throws {
        let f = try await ServerFixture()
        try await f.test { client in
            try await client.execute(uri: "/healthz", method: .get) { (r: TestResponse) throws in
                #expect(r.status == .ok)
                let value = try json(r)["status"] as? String
                #expect(value == "ok")
            }
            try await client.execute(uri: "/readyz", method: .get) { (r: TestResponse) throws in
                #expect(r.status == .ok)
                let body = try json(r)
                #expect(body["bank"] as? String == "ok" && body["runner"] as? String == "alive")
            }
            // Metrics are Prometheus text with the bank gauges and the request counter.
            try await client.execute(uri: "/metrics", method: .get) { (r: TestResponse) throws in
                #expect(r.status == .ok && r.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = String(buffer: r.body)
                // Other suites share the process-wide registry: check names, not values.
                #expect(text.contains("\nxpaste_bank_sources "))
                #expect(text.contains("xpaste_bank_instances{status=\"pending\"} "))
                #expect(text.contains("xpaste_queue_items{state=\"queued\"} "))
                #expect(text.contains("\nxpaste_workers_live "))
                #expect(text.contains("http_server_request_duration_count{http_route=\"/healthz\",http_request_method=\"GET\",http_response_status_code=\"200\"}"))
            }
            try await client.execute(uri: "/v1/models", method: .get) { (r: TestResponse) throws in
                let body = try json(r)
                let installed = try #require(body["installed"] as? [[String: Any]])
                #expect(installed.map { $0["name"] as? String } == ["clip-tiny"])
                let pipelines = try #require(body["pipelines"] as? [[String: Any]])
                let upload = try #require(pipelines.first { $0["pipeline"] as? String == "upload" })
                // The upload pipeline's enabled stages need no model.
                #expect((upload["models"] as? [Any])?.isEmpty == true)
                let xpaste = try #require(pipelines.first { $0["pipeline"] as? String == "xpaste" })
                let needs = try #require(xpaste["models"] as? [[String: Any]])
                #expect(needs.contains { $0["name"] as? String == "clip-vit-l-14" && $0["installed"] as? Bool == false })
            }
            try await client.execute(uri: "/openapi.yaml", method: .get) { (r: TestResponse) throws in
                if r.status == .ok {
                    #expect(String(buffer: r.body).hasPrefix("openapi: 3.1"))
                } else {
                    let value = try problemCode(r)
                #expect(value == "openapi.missing")
                }
            }
            // Unknown paths: the static web folder, then a problem 404.
            try await client.execute(uri: "/nope/nothing.txt", method: .get) { (r: TestResponse) throws in
                #expect(r.status == .notFound)
            }
        }
    }

    @Test func mutationsNeedTheTokenReadsDoNot() async throws {
        let f = try await ServerFixture()
        try await f.test { client in
            let body = ByteBuffer(string: #"{"categories": ["dog"], "pipeline": "upload"}"#)
            try await client.execute(uri: "/v1/jobs", method: .post, headers: [.contentType: "application/json"], body: body) { (r: TestResponse) throws in
                #expect(r.status == .unauthorized && r.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                let value = try problemCode(r)
                #expect(value == "auth.missing_token")
            }
            try await client.execute(uri: "/v1/jobs", method: .post, headers: [.contentType: "application/json", .authorization: "Bearer wrong"], body: body) { (r: TestResponse) throws in
                let value = try problemCode(r)
                #expect(value == "auth.invalid_token")
            }
            try await client.execute(uri: "/v1/jobs", method: .post, headers: f.jsonAuth, body: body) { (r: TestResponse) throws in
                #expect(r.status == .accepted)
            }
            try await client.execute(uri: "/v1/jobs", method: .get) { (r: TestResponse) throws in #expect(r.status == .ok) }
            try await client.execute(uri: "/v1/instances/1", method: .patch, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}")) { (r: TestResponse) throws in
                #expect(r.status == .unauthorized)
            }
        }
        // The token file is private to its owner.
        let attributes = try FileManager.default.attributesOfItem(atPath: f.directory.appendingPathComponent("data/token").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test func aConfiguredTokenGuardsReadsToo() async throws {
        let f = try await ServerFixture(token: "s3cret-token-for-tests")
        try await f.test { client in
            try await client.execute(uri: "/v1/jobs", method: .get) { (r: TestResponse) throws in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/v1/jobs", method: .get, headers: [.authorization: "Bearer s3cret-token-for-tests"]) { (r: TestResponse) throws in
                #expect(r.status == .ok)
            }
            // EventSource cannot send headers: GETs may carry the token in the query.
            try await client.execute(uri: "/v1/stats?access_token=s3cret-token-for-tests", method: .get) { (r: TestResponse) throws in #expect(r.status == .ok) }
            try await client.execute(uri: "/healthz", method: .get) { (r: TestResponse) throws in #expect(r.status == .ok) }
        }
    }

    @Test func unsafeBindIsRefused() async throws {
        var config = ServerConfiguration()
        config.host = "0.0.0.0"
        config.dataFolder = FileManager.default.temporaryDirectory.appendingPathComponent("xp-\(UUID().uuidString)")
        await #expect(throws: XPasteService.ServiceError.self) { try await XPasteService(configuration: config, logger: ServerFixture.logger) }
        #expect(!FileManager.default.fileExists(atPath: config.dataFolder.path))
    }
}
