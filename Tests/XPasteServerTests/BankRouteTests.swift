import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import XPasteImage
import XPasteServer
import XPasteTestSupport

/// Browsing and curating the bank over HTTP.
@Suite("Bank routes", .serialized)
struct BankRouteTests {
    /// Uploads photos into two categories and extracts them with the upload pipeline.
    static func seed(_ client: any TestClientProtocol, _ f: ServerFixture) async throws -> String {
        _ = try await upload(client, f, category: "horse", images: ["horse.png", "chelsea.png", "astronaut.png"])
        _ = try await upload(client, f, category: "coffee", images: ["coffee.png", "rocket.jpg"])
        let id = try await client.execute(
            uri: "/v1/jobs", method: .post, headers: f.jsonAuth,
            body: ByteBuffer(string: #"{"categories": ["horse", "coffee"], "pipeline": "upload"}"#)) { try json($0)["id"] as! String }
        let job = try await waitForJob(client, id)
        #expect(job["state"] as? String == "succeeded")
        return id
    }

    @Test func browseFilterPageAndImages() async throws {
        let f = try await ServerFixture()
        try await f.test { client in
            let job = try await Self.seed(client, f)
            // Two pages of 3 and 2 by cursor, no instance twice.
            let first = try await client.execute(uri: "/v1/instances?limit=3&sort=area&order=desc", method: .get) { try json($0) }
            let cursor = try #require(first["next_cursor"] as? String)
            let second = try await client.execute(uri: "/v1/instances?limit=3&sort=area&order=desc&cursor=\(cursor)", method: .get) { try json($0) }
            let all = (first["instances"] as! [[String: Any]]) + (second["instances"] as! [[String: Any]])
            #expect(all.count == 5 && Set(all.map { $0["id"] as! Int }).count == 5)
            let areas = all.map { $0["area_ratio"] as! Double }
            #expect(areas == areas.sorted(by: >))
            #expect(second["next_cursor"] == nil || second["next_cursor"] is NSNull)
            // Filters.
            let categories = try await client.execute(uri: "/v1/categories?q=hor", method: .get) { try json($0)["categories"] as! [[String: Any]] }
            #expect(categories.count == 1 && categories[0]["pending"] as? Int == 3 && categories[0]["is_lvis"] as? Bool == false)
            let horseId = categories[0]["id"] as! Int
            let horses = try await client.execute(uri: "/v1/instances?category=\(horseId)&status=pending&job=\(job)", method: .get) {
                try json($0)["instances"] as! [[String: Any]]
            }
            #expect(horses.count == 3 && horses.allSatisfy { $0["category_name"] as? String == "horse" })
            for bad in ["min_score=5&max_score=1", "min_area=inf", "sort=colour", "status=maybe", "limit=0", "category=x", "cursor=garbage"] {
                try await client.execute(uri: "/v1/instances?\(bad)", method: .get) { (r: TestResponse) throws in
                    #expect(r.status == .unprocessableContent, "\(bad)")
                    _ = try problemCode(r)
                }
            }
            // Images: cutout with a strong ETag and a 304 on revalidation; mask the size of the source.
            let one = all[0]
            let id = one["id"] as! Int
            let etag = try await client.execute(uri: "/v1/instances/\(id)/cutout.png", method: .get) { (r: TestResponse) throws in
                #expect(r.status == .ok && r.headers[.contentType] == "image/png")
                let image = try ImageCodec.decode([UInt8](r.body.readableBytesView))
                #expect(image.width == one["width"] as? Int && image.height == one["height"] as? Int && image.format == .rgba8)
                #expect(r.headers[.eTag] == "\"\(one["cutout_sha256"] as! String)\"")
                return r.headers[.eTag]!
            }
            try await client.execute(uri: "/v1/instances/\(id)/cutout.png", method: .head) { (r: TestResponse) throws in
                #expect(r.status == .ok && r.headers[.eTag] == etag && r.body.readableBytes == 0)
            }
            try await client.execute(uri: "/v1/instances/\(id)/cutout.png", method: .get, headers: [.ifNoneMatch: etag]) { (r: TestResponse) throws in
                #expect(r.status == .notModified && r.body.readableBytes == 0)
            }
            try await client.execute(uri: "/v1/instances/\(id)/thumbnail.png", method: .get) { (r: TestResponse) throws in
                let thumb = try ImageCodec.decode([UInt8](r.body.readableBytesView))
                #expect(max(thumb.width, thumb.height) <= 128)
            }
            let source = try await client.execute(uri: "/v1/instances/\(id)/source", method: .get) { (r: TestResponse) throws in
                try ImageCodec.decode([UInt8](r.body.readableBytesView))
            }
            try await client.execute(uri: "/v1/instances/\(id)/mask.png", method: .get) { (r: TestResponse) throws in
                let mask = try ImageCodec.decodeMask([UInt8](r.body.readableBytesView))
                #expect(mask.width == source.width && mask.height == source.height)
                let box = one["box"] as! [String: Int]
                #expect(mask[box["x"]! + box["width"]! / 2, box["y"]! + box["height"]! / 2] > 0 || mask.values.contains { $0 > 0 })
            }
            try await client.execute(uri: "/v1/instances/999999", method: .get) { (r: TestResponse) throws in #expect(try problemCode(r) == "bank.unknown_instance") }
            try await client.execute(uri: "/v1/instances/abc", method: .get) { (r: TestResponse) throws in #expect(r.status.code >= 400 && r.status.code < 500) }
        }
    }

    @Test func curateOneBulkAndDelete() async throws {
        let f = try await ServerFixture()
        try await f.test { client in
            _ = try await Self.seed(client, f)
            let ids = try await client.execute(uri: "/v1/instances", method: .get) { try json($0)["instances"] as! [[String: Any]] }.map { $0["id"] as! Int }
            try await client.execute(uri: "/v1/instances/\(ids[0])", method: .patch, headers: f.jsonAuth, body: ByteBuffer(string: #"{"status": "accepted", "reason": "looks right"}"#)) { (r: TestResponse) throws in
                let i = try json(r)
                #expect(i["status"] as? String == "accepted" && i["decided_by"] as? String == "person" && i["reason"] as? String == "looks right")
            }
            try await client.execute(uri: "/v1/instances/\(ids[0])", method: .patch, headers: f.jsonAuth, body: ByteBuffer(string: #"{"status": "maybe"}"#)) { (r: TestResponse) throws in
                #expect(r.status == .badRequest)
            }
            // Bulk by ids, then by filter.
            try await client.execute(uri: "/v1/instances/bulk", method: .post, headers: f.jsonAuth,
                                     body: ByteBuffer(string: #"{"action": "reject", "ids": [\#(ids[1]), \#(ids[2]), 424242]}"#)) { (r: TestResponse) throws in
                #expect(try json(r)["changed"] as? Int == 2)
            }
            try await client.execute(uri: "/v1/instances/bulk", method: .post, headers: f.jsonAuth,
                                     body: ByteBuffer(string: #"{"action": "accept", "filter": {"status": ["pending"]}}"#)) { (r: TestResponse) throws in
                #expect(try json(r)["changed"] as? Int == 2)
            }
            let stats = try await client.execute(uri: "/v1/stats", method: .get) { try json($0) }
            #expect(stats["instances_by_status"] as? [String: Int] == ["accepted": 3, "rejected": 2, "pending": 0])
            try await client.execute(uri: "/v1/instances/bulk", method: .post, headers: f.jsonAuth,
                                     body: ByteBuffer(string: #"{"action": "delete", "filter": {"status": ["rejected"]}}"#)) { (r: TestResponse) throws in
                #expect(try json(r)["changed"] as? Int == 2)
            }
            for bad in [#"{"action": "burn", "ids": [1]}"#, #"{"action": "accept"}"#, #"{"action": "accept", "ids": [1], "filter": {}}"#,
                        #"{"action": "accept", "filter": {"min_score": 3, "max_score": 1}}"#] {
                try await client.execute(uri: "/v1/instances/bulk", method: .post, headers: f.jsonAuth, body: ByteBuffer(string: bad)) { (r: TestResponse) throws in
                    #expect(r.status == .unprocessableContent, "\(bad)")
                }
            }
            let after = try await client.execute(uri: "/v1/stats", method: .get) { try json($0) }
            #expect(after["instances"] as? Int == 3)
            // Histograms of scores: classical extraction stores no score, so all are unscored.
            let h = try await client.execute(uri: "/v1/histograms?bins=10", method: .get) { try json($0)["histograms"] as! [[String: Any]] }
            #expect(h.count == 2 && h.reduce(0) { $0 + ($1["unscored"] as! Int) } == 3)
            #expect(h.allSatisfy { ($0["counts"] as! [Int]).count == 10 })
        }
    }
}
