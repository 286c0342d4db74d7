import Foundation
import Testing
import XPasteBank
@testable import XPasteServer

/// The instance page's direct JSON writer writes exactly what `JSONEncoder` would.
@Suite("Instance page JSON")
struct JSONWriterTests {
    /// A bank instance (the type has no public memberwise initialiser: it is decoded).
    static func instance(_ id: Int64, full: Bool) throws -> BankInstance {
        var fields: [String: Any] = [
            "id": id, "sourceId": 7, "categoryId": 1_000_003, "sourceKind": "uploaded", "segmenter": "classical",
            "cutoutSHA256": SHA256Digest(hashing: Array("x\(id)".utf8)).hex, "cutoutBytes": 10, "width": 3, "height": 4, "status": "pending",
            "createdAt": 1_750_000_000 - 978_307_200,
        ]
        if full {
            fields["jobId"] = "j\"1\\\n\u{1}é"
            fields["box"] = ["x": 1, "y": 2, "width": 3, "height": 4]
            fields["areaRatio"] = 0.14835495406916133
            fields["clipScore"] = 21.0
            fields["status"] = "accepted"
            fields["reason"] = "score 21.00 ≥ bar\t20"
            fields["decidedBy"] = "person"
            fields["decidedAt"] = 1_765_000_000.75 - 978_307_200
        }
        return try JSONDecoder().decode(BankInstance.self, from: JSONSerialization.data(withJSONObject: fields))
    }

    @Test func sameBytesAsJSONEncoder() throws {
        struct Page: Encodable {
            var instances: [InstanceResource]
            var nextCursor: String?
        }
        for cursor in [nil, "abc/def"] {
            let list = [InstanceResource(try Self.instance(1, full: true), categoryName: "aerosol \"can\""),
                        InstanceResource(try Self.instance(2, full: false), categoryName: nil)]
            let expected = try APIJSON.encoder.encode(Page(instances: list, nextCursor: cursor))
            let written = Data(InstanceResource.pageJSON(list, nextCursor: cursor))
            #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        }
        #expect(InstanceResource.pageJSON([], nextCursor: nil) == Array(#"{"instances":[]}"#.utf8))
    }
}
