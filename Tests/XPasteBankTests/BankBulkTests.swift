import Foundation
import Testing
@testable import XPasteBank

@Suite struct BankBulkTests {
    /// Counts by (category, status) recomputed from the rows, to check the trigger-kept counters.
    private func recount(_ f: BankFixture) throws -> [Int64: [InstanceStatus: Int]] {
        var out: [Int64: [InstanceStatus: Int]] = [:]
        var cursor: String?
        repeat {
            let page = try f.bank.browse(InstanceQuery(limit: 1000, cursor: cursor))
            for i in page.instances { out[i.categoryId, default: [:]][i.status, default: 0] += 1 }
            cursor = page.nextCursor
        } while cursor != nil
        return out
    }

    private func kept(_ f: BankFixture) throws -> [Int64: [InstanceStatus: Int]] {
        var out: [Int64: [InstanceStatus: Int]] = [:]
        for c in try f.bank.categoryCounts() {
            for (status, n) in [(InstanceStatus.pending, c.pending), (.accepted, c.accepted), (.rejected, c.rejected)] where n > 0 {
                out[c.categoryId, default: [:]][status] = n
            }
        }
        return out
    }

    @Test func statusChangesByIdsAndByFilterKeepCountsRight() throws {
        let f = try BankFixture()
        try f.addCategories()
        let source = try f.addSource(seed: 1)
        let ids = try f.bank.addInstances((0..<30).map {
            try BankFixture.instance(source: source, category: Int64(1 + $0 % 3), seed: $0, score: Double($0), segmenter: $0 % 2 == 0 ? "u2net" : "isnet")
        }).map(\.id)
        #expect(try kept(f) == recount(f))

        let changed = try f.bank.setStatus(.accepted, reason: "looks right", decidedBy: .person, for: .ids(Array(ids[0..<10]) + [ids[0], 999_999]))
        #expect(changed == 10)
        let one = try #require(try f.bank.instance(id: ids[3]))
        #expect(one.status == .accepted && one.reason == "looks right" && one.decidedBy == .person && one.decidedAt != nil)

        let rejected = try f.bank.setStatus(
            .rejected, reason: "score below bar", decidedBy: .filter,
            for: .filter(InstanceFilter(statuses: [.pending], clipScore: 0...19.5)))
        #expect(rejected == 10)  // scores 10…19 are still pending
        #expect(try f.bank.count(InstanceFilter(statuses: [.rejected])) == 10)
        #expect(try kept(f) == recount(f))
        #expect(try f.bank.verify(full: true).countMismatches.isEmpty)

        // Back to pending clears the decision.
        #expect(try f.bank.setStatus(.pending, decidedBy: nil, for: .filter(InstanceFilter(categoryIds: [2]))) == 10)
        let reset = try #require(try f.bank.instance(id: ids[1]))
        #expect(reset.status == .pending && reset.decidedBy == nil && reset.reason == nil && reset.decidedAt == nil)
        #expect(try kept(f) == recount(f))
        #expect { try f.bank.setStatus(.accepted, decidedBy: nil, for: .ids(ids)) } throws: {
            ($0 as? BankError)?.code == "bank.invalid_argument"
        }
        // A filter that matches nothing changes nothing.
        #expect(try f.bank.setStatus(.accepted, decidedBy: .person, for: .filter(InstanceFilter(categoryNamePrefix: "zzz"))) == 0)
    }

    @Test func deleteRemovesOnlyOrphanedBlobs() throws {
        let f = try BankFixture()
        try f.addCategories()
        let keptBytes = Data((0..<64).map { UInt8($0) })
        let source = try f.bank.addSource(NewSource(kind: .uploaded, bytes: keptBytes, width: 8, height: 8)).id
        // Instances 0 and 1 share a cutout (same bytes, two categories) and a thumbnail.
        let shared0 = try BankFixture.instance(source: source, category: 1, seed: 7, thumbnail: true)
        let shared1 = try BankFixture.instance(source: source, category: 2, seed: 7, thumbnail: true)
        let alone = try BankFixture.instance(source: source, category: 3, seed: 8, thumbnail: true)
        let ids = try f.bank.addInstances([shared0, shared1, alone]).map(\.id)
        #expect(try f.bank.stats().blobs == 5)  // source, 2 cutouts, 2 thumbnails

        let first = try f.bank.deleteInstances(.ids([ids[0]]))
        #expect(first == DeletionSummary(instances: 1, blobs: 0, blobBytes: 0))
        #expect(try f.bank.cutout(of: ids[1]).png == TestPNG.cutout(seed: 7))

        let second = try f.bank.deleteInstances(.ids([ids[1]]))
        let freed = Int64(TestPNG.cutout(seed: 7).count + TestPNG.cutout(seed: 7, width: 6, height: 4).count)
        #expect(second == DeletionSummary(instances: 1, blobs: 2, blobBytes: freed))
        #expect(try f.bank.blob(SHA256Digest(hashing: TestPNG.cutout(seed: 7))) == nil)

        let third = try f.bank.deleteInstances(.filter(InstanceFilter(categoryIds: [3])))
        #expect(third.instances == 1 && third.blobs == 2)
        // The source's own blob stays: sources are provenance, not owned by instances.
        #expect(try f.bank.sourceImage(id: source) == keptBytes)
        let stats = try f.bank.stats()
        #expect(stats.blobs == 1 && stats.blobBytes == Int64(keptBytes.count) && stats.instances == 0)
        #expect(throws: BankError.unknownInstance(ids[2])) { try f.bank.cutout(of: ids[2]) }
        #expect(try f.bank.verify(full: true).isOK)

        // Ids are never reused after a delete.
        let again = try f.bank.addInstances([try BankFixture.instance(source: source, category: 1, seed: 99)])[0]
        #expect(again.id > ids.max()!)
    }

    @Test func statsAndCountsDescribeTheBank() throws {
        let f = try BankFixture()
        try f.addCategories()
        let crawled = try f.addSource(seed: 1, kind: .crawled)
        _ = try f.addSource(seed: 2, kind: .generated)
        _ = try f.addSource(seed: 3, kind: .generated)
        _ = try f.bank.addInstances([
            try BankFixture.instance(source: crawled, category: 1, seed: 1, status: .accepted),
            try BankFixture.instance(source: crawled, category: 1, seed: 2, status: .rejected),
            try BankFixture.instance(source: crawled, category: 3, seed: 3),
        ])
        let stats = try f.bank.stats()
        #expect(stats.schemaVersion == SQLiteBank.schemaVersion && stats.categories == 3 && stats.categoriesWithAccepted == 1)
        #expect(stats.sourcesByKind == [.crawled: 1, .generated: 2] && stats.sources == 3)
        #expect(stats.instancesByStatus[.accepted] == 1 && stats.instancesByStatus[.rejected] == 1 && stats.instancesByStatus[.pending] == 1)
        #expect(stats.fileBytes > 0)
        #expect(try f.bank.categoryCounts() == [
            CategoryCounts(categoryId: 1, name: "aerosol_can", pending: 0, accepted: 1, rejected: 1),
            CategoryCounts(categoryId: 3, name: "airplane", pending: 1, accepted: 0, rejected: 0),
        ])
        #expect(try f.bank.count(InstanceFilter(categoryIds: [1], statuses: [.accepted, .rejected])) == 2)
        #expect(try f.bank.count(InstanceFilter(categoryNamePrefix: "a")) == 3)
        // Sources update in place.
        try f.bank.write { try $0.updateSource(id: crawled, status: .extracted, error: nil, clipScore: 30.5) }
        #expect(try f.bank.source(id: crawled)?.status == .extracted)
        #expect(try f.bank.source(id: crawled)?.clipScore == 30.5)
        #expect { try f.bank.write { try $0.updateSource(id: 999, status: .failed, error: "x", clipScore: nil) } } throws: {
            ($0 as? BankError) == .unknownSource(999)
        }
    }
}
