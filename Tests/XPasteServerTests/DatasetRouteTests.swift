import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import XPasteServer
import XPasteTestSupport

/// Dataset jobs, their downloads, and the pool export.
@Suite("Dataset routes", .serialized)
struct DatasetRouteTests {
    /// Reads a tar archive: path → bytes; checks every header's checksum and the padding.
    static func untar(_ bytes: [UInt8]) throws -> [(String, [UInt8])] {
        var out: [(String, [UInt8])] = []
        var at = 0
        while at + 512 <= bytes.count {
            let header = Array(bytes[at..<at + 512])
            if header.allSatisfy({ $0 == 0 }) { break }
            func field(_ o: Int, _ n: Int) -> String {
                String(decoding: header[o..<o + n].prefix { $0 != 0 }, as: UTF8.self)
            }
            var check = header
            for k in 148..<156 { check[k] = 32 }
            #expect(Int(field(148, 6), radix: 8) == check.reduce(0) { $0 + Int($1) })
            #expect(field(257, 5) == "ustar")
            let prefix = field(345, 155), name = field(0, 100)
            let size = try #require(Int(field(124, 11), radix: 8))
            out.append((prefix.isEmpty ? name : prefix + "/" + name, Array(bytes[(at + 512)..<(at + 512 + size)])))
            at += 512 + (size + 511) / 512 * 512
        }
        #expect(bytes.count == at + 1024 && bytes[at...].allSatisfy { $0 == 0 })
        return out
    }

    @Test func composeDownloadAndExport() async throws {
        let f = try await ServerFixture()
        try await f.test { client in
            _ = try await BankRouteTests.seed(client, f)
            try await client.execute(uri: "/v1/instances/bulk", method: .post, headers: f.jsonAuth,
                                     body: ByteBuffer(string: #"{"action": "accept", "filter": {}}"#)) { _ in }
            _ = try await upload(client, f, category: nil, kind: "background", images: ["brick.png", "gravel.png"])
            let created = try await client.execute(uri: "/v1/datasets", method: .post, headers: f.jsonAuth,
                                                   body: ByteBuffer(string: #"{"seed": 5, "images": 3, "max_instances": 4}"#)) { (r: TestResponse) throws in
                #expect(r.status == .accepted)
                return try json(r)
            }
            let id = try #require(created["id"] as? String)
            #expect(created["archive_url"] as? String == "/v1/datasets/\(id)/archive.tar")
            let job = try await waitForJob(client, id)
            #expect(job["state"] as? String == "succeeded", "\(job)")
            let dataset = try await client.execute(uri: "/v1/datasets/\(id)", method: .get) { try json($0) }
            let files = try #require(dataset["files"] as? [[String: Any]])
            #expect(files.map { $0["path"] as! String } == [
                "annotations/train.json", "manifest.json", "train/000000000001.jpg", "train/000000000002.jpg", "train/000000000003.jpg",
            ])
            let annotation = try await client.execute(uri: "/v1/datasets/\(id)/files/annotations/train.json", method: .get) { (r: TestResponse) throws in
                #expect(r.status == .ok && r.headers[.contentType] == "application/json")
                return [UInt8](r.body.readableBytesView)
            }
            // A client that encodes the slash gets the same file.
            try await client.execute(uri: "/v1/datasets/\(id)/files/annotations%2Ftrain.json", method: .get) { (r: TestResponse) throws in
                #expect(r.status == .ok && [UInt8](r.body.readableBytesView) == annotation)
            }
            let lvis = try #require(try JSONSerialization.jsonObject(with: Data(annotation)) as? [String: Any])
            #expect((lvis["images"] as? [Any])?.count == 3)
            // The tar holds exactly the files, byte for byte, under the dataset id.
            let tar = try await client.execute(uri: "/v1/datasets/\(id)/archive.tar", method: .get) { (r: TestResponse) throws in
                #expect(r.status == .ok && r.headers[.contentType] == "application/x-tar")
                #expect(r.headers[.contentLength].flatMap(Int.init) == r.body.readableBytes)
                return [UInt8](r.body.readableBytesView)
            }
            let entries = try Self.untar(tar)
            #expect(entries.map(\.0) == files.map { "\(id)/\($0["path"] as! String)" })
            #expect(entries[0].1 == annotation)
            for path in ["../jobs.sqlite", "..%2Fjobs.sqlite", "%2E%2E%2F..%2Fjobs.sqlite", ".xpaste-partial-train/x", "train/nope.jpg"] {
                try await client.execute(uri: "/v1/datasets/\(id)/files/\(path)", method: .get) { (r: TestResponse) throws in
                    #expect(r.status == .notFound, "\(path)")
                }
            }
            try await client.execute(uri: "/v1/datasets", method: .get) { (r: TestResponse) throws in
                #expect((try json(r)["datasets"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            }
            try await client.execute(uri: "/v1/datasets/nope", method: .get) { (r: TestResponse) throws in #expect(try problemCode(r) == "dataset.not_found") }
            // The accepted instances as an X-Paste pool.
            let pool = try await client.execute(uri: "/v1/export/pool.tar", method: .get) { [UInt8]($0.body.readableBytesView) }
            let names = try Self.untar(pool).map(\.0)
            #expect(names.contains("pool/pool.json") || names.contains { $0.hasSuffix(".json") })
            #expect(names.filter { $0.hasSuffix(".png") }.count == 5)
        }
    }

    @Test func badDatasetRequests() async throws {
        let f = try await ServerFixture()
        try await f.test { client in
            for (body, code) in [(#"{"jpeg_quality": 0}"#, "job.invalid_request"), (#"{"backgrounds": "/etc"}"#, "path.not_allowed"),
                                 (#"[1]"#, "job.invalid_request"), (#"{"colour": 1}"#, "job.invalid_request")] {
                try await client.execute(uri: "/v1/datasets", method: .post, headers: f.jsonAuth, body: ByteBuffer(string: body)) { (r: TestResponse) throws in
                    #expect(try problemCode(r) == code, "\(body)")
                }
            }
            // A dataset job with no accepted instance fails with the compositor's code.
            let id = try await client.execute(uri: "/v1/datasets", method: .post, headers: f.jsonAuth, body: ByteBuffer(string: "{}")) {
                try json($0)["id"] as! String
            }
            let job = try await waitForJob(client, id)
            #expect(job["state"] as? String == "failed")
            #expect((job["error"] as? [String: Any])?["stage"] as? String == "composite")
            try await client.execute(uri: "/v1/datasets/\(id)/archive.tar", method: .get) { (r: TestResponse) throws in
                let code = try problemCode(r)
                #expect(r.status == .conflict && code == "dataset.not_ready")
            }
        }
    }
}
