import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import XPasteServer
import XPasteTestSupport

/// `POST /v1/sources`: multipart uploads, their limits and their refusals.
@Suite("Source uploads", .serialized)
struct SourceRouteTests {
    static func headers(_ f: ServerFixture, boundary: String = "xpasteBoundary7") -> HTTPFields {
        var h = f.auth
        h[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return h
    }

    @Test func goodBadAndDuplicateFiles() async throws {
        let f = try await ServerFixture()
        try await f.test { client in
            let horse = try Data(contentsOf: SharedData.image("horse.png"))
            let body = multipart(fields: [("category", "Horse")], files: [
                ("horse.png", horse), ("notes.txt", Data("hello".utf8)), ("cut.png", horse.prefix(2000)), ("again.png", horse),
            ])
            let result = try await client.execute(uri: "/v1/sources", method: .post, headers: Self.headers(f), body: body) { (r: TestResponse) throws in
                #expect(r.status == .created)
                return try json(r)
            }
            #expect(result["recorded"] as? Int == 1 && result["duplicates"] as? Int == 1 && result["refused"] as? Int == 2)
            let sources = try #require(result["sources"] as? [[String: Any]])
            #expect(sources.map { $0["error_code"] as? String } == [nil, "image.unsupported_format", "image.truncated", nil])
            #expect(sources[0]["width"] as? Int == 400 && sources[0]["height"] as? Int == 328)
            #expect(sources[0]["source_id"] as? Int == sources[3]["source_id"] as? Int)
            #expect((result["category"] as? [String: Any])?["name"] as? String == "Horse")
            // The kept bytes come back unchanged.
            let id = try #require(sources[0]["source_id"] as? Int)
            try await client.execute(uri: "/v1/sources/\(id)/image", method: .get) { (r: TestResponse) throws in
                #expect(r.status == .ok && Data(r.body.readableBytesView) == horse && r.headers[.contentType] == "image/png")
            }
        }
    }

    @Test func refusals() async throws {
        var limits = ServerConfiguration.Limits()
        limits.uploadFiles = 2
        limits.uploadBytes = 600_000
        let f = try await ServerFixture(limits: limits)
        try await f.test { client in
            let logo = try Data(contentsOf: SharedData.image("logo.png"))
            func post(_ body: ByteBuffer, headers: HTTPFields? = nil) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: "/v1/sources", method: .post, headers: headers ?? Self.headers(f), body: body) { (r: TestResponse) throws in
                    (r.status, try problemCode(r))
                }
            }
            var (status, code) = try await post(multipart(fields: [], files: [("a.png", logo)]))
            #expect(status == .unprocessableContent && code == "request.invalid_parameter")
            (status, code) = try await post(multipart(fields: [("category", "x")], files: []))
            #expect(code == "upload.no_files")
            (status, code) = try await post(multipart(fields: [("category", "x")], files: [("a.txt", Data("no".utf8))]))
            #expect(status == .unprocessableContent && code == "upload.no_valid_image")
            (status, code) = try await post(multipart(fields: [("category", "x")], files: Array(repeating: ("a.png", logo), count: 3)))
            #expect(status == .contentTooLarge && code == "upload.too_many_files")
            (status, code) = try await post(multipart(fields: [("category", "x")], files: [("big.bin", Data(count: 700_000))]))
            #expect(status == .contentTooLarge && code == "upload.too_large")
            (status, code) = try await post(ByteBuffer(string: "--xpasteBoundary7\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nx"))
            #expect(status == .badRequest && code == "upload.malformed")
            var json = f.auth
            json[.contentType] = "application/json"
            (status, code) = try await post(ByteBuffer(string: "{}"), headers: json)
            #expect(status == .unsupportedMediaType)
            (status, code) = try await post(multipart(fields: [("category", "x"), ("kind", "crawled")], files: [("a.png", logo)]))
            #expect(code == "request.invalid_parameter")
            (status, code) = try await post(multipart(fields: [("category", "999")], files: [("a.png", logo)]))
            #expect(code == "bank.invalid_category")
        }
        // Nothing is left in the spool folder.
        let spool = f.directory.appendingPathComponent("data/uploads")
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.path).isEmpty)
    }
}
