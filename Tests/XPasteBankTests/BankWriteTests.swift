import Foundation
import Testing
@testable import XPasteBank

/// Thrown by the injected fault.
struct InjectedFault: Error {}

@Suite struct BankWriteTests {
    @Test func sourcesAreDeduplicatedByHashAndKeepProvenance() throws {
        let f = try BankFixture()
        try f.addCategories()
        let bytes = Data((0..<1000).map { UInt8($0 % 256) })
        let provenance = SourceProvenance(
            url: "https://commons.wikimedia.org/wiki/File:Can.jpg", licence: "CC BY-SA 4.0", author: "Someone")
        let first = try f.bank.addSource(NewSource(
            kind: .crawled, bytes: bytes, width: 40, height: 25, provenance: provenance, categoryId: 1, jobId: "job-a",
            mediaType: "image/jpeg"))
        let again = try f.bank.addSource(NewSource(kind: .crawled, bytes: bytes, width: 40, height: 25, categoryId: 1))
        #expect(first.inserted && !again.inserted && first.id == again.id)
        let source = try #require(try f.bank.source(id: first.id))
        #expect(source.provenance == provenance)
        #expect(source.kind == .crawled && source.jobId == "job-a" && source.storage == .blob)
        #expect(source.sha256 == SHA256Digest(hashing: bytes))
        #expect(try f.bank.sourceImage(id: first.id) == bytes)

        let generated = SourceProvenance(
            prompt: "a photo of a single aerosol can", negativePrompt: "blurry", seed: UInt64.max - 3, modelId: "sd15",
            scheduler: "dpmsolver++2m", steps: 50, guidance: 7.5)
        let g = try f.bank.addSource(NewSource(kind: .generated, sha256: SHA256Digest(hashing: [9]), width: 512, height: 512, provenance: generated))
        let stored = try #require(try f.bank.source(id: g.id))
        #expect(stored.provenance == generated)
        #expect(stored.storage == SourceStorage.none)
        #expect(try f.bank.sourceImage(id: g.id) == nil)
        #expect(throws: BankError.unknownSource(999)) { try f.bank.sourceImage(id: 999) }
    }

    @Test func largeSourcesGoToTheFolderAndAMissingFileIsReported() throws {
        let f = try BankFixture(configuration: BankConfiguration(sourceFolderThreshold: 100))
        let big = Data((0..<5000).map { UInt8(($0 * 7) % 256) })
        let id = try f.bank.addSource(NewSource(kind: .uploaded, bytes: big, width: 50, height: 50)).id
        #expect(try f.bank.source(id: id)?.storage == .file)
        #expect(try f.bank.sourceImage(id: id) == big)
        #expect(try f.scalar("SELECT count(*) FROM blob") == 0)
        #expect(try f.bank.verify(full: true).isOK)

        let path = f.bank.files.url(for: SHA256Digest(hashing: big))
        try FileManager.default.removeItem(at: path)
        #expect(throws: BankError.missingSourceFile(path.path)) { try f.bank.sourceImage(id: id) }
        let report = try f.bank.verify(full: false)
        #expect(report.missingSourceFiles == [path.path])
        #expect(!report.isOK)

        // An altered file is as bad as a missing one.
        try Data(big.reversed()).write(to: path)
        #expect(throws: BankError.self) { try f.bank.sourceImage(id: id) }
        #expect(try f.bank.verify(full: true).missingSourceFiles == [path.path])
    }

    @Test func instancesAndBlobsAreDeduplicated() throws {
        let f = try BankFixture()
        try f.addCategories()
        let s1 = try f.addSource(seed: 1)
        let s2 = try f.addSource(seed: 2)
        let a = try f.bank.addInstances([try BankFixture.instance(source: s1, category: 1, seed: 10, thumbnail: true)])[0]
        // Same bytes, same category: the same instance, nothing written.
        let b = try f.bank.addInstances([try BankFixture.instance(source: s2, category: 1, seed: 10, thumbnail: true)])[0]
        #expect(a.inserted && !b.inserted && a.id == b.id)
        // Same bytes, another category: a second instance sharing the blob.
        let c = try f.bank.addInstances([try BankFixture.instance(source: s2, category: 2, seed: 10, thumbnail: true)])[0]
        #expect(c.inserted && c.id != a.id)
        #expect(try f.scalar("SELECT count(*) FROM instance") == 2)
        #expect(try f.scalar("SELECT count(*) FROM blob") == 2)  // one cutout, one thumbnail
        let stats = try f.bank.stats()
        #expect(stats.blobs == 2)
        let cutout = TestPNG.cutout(seed: 10), thumb = TestPNG.cutout(seed: 10, width: 6, height: 4)
        #expect(stats.blobBytes == Int64(cutout.count + thumb.count))

        let read = try f.bank.cutout(of: c.id)
        #expect(read.png == cutout && read.sha256 == SHA256Digest(hashing: cutout) && read.width == 24 && read.height == 16)
        #expect(read.categoryId == 2)
        let instance = try #require(try f.bank.instance(id: a.id))
        #expect(instance.thumbnailSHA256 == SHA256Digest(hashing: thumb))
        #expect(try f.bank.blob(SHA256Digest(hashing: thumb)) == thumb)
        #expect(try f.bank.blob(SHA256Digest(hashing: [1, 2, 3])) == nil)
    }

    @Test func instanceFieldsRoundTrip() throws {
        let f = try BankFixture()
        try f.addCategories()
        let source = try f.addSource(seed: 1, kind: .crawled, jobId: "job-7")
        var new = try BankFixture.instance(source: source, category: 3, seed: 5, score: 27.25, area: 0.125, status: .accepted,
                                           segmenter: "isnet-general-use", createdAt: Date(timeIntervalSince1970: 1_700_000_000.5))
        new.box = .init(x: 10, y: 20, width: 24, height: 16)
        new.reason = "score 27.25 ≥ bar 21"
        let id = try f.bank.addInstances([new])[0].id
        let got = try #require(try f.bank.instance(id: id))
        #expect(got.sourceId == source && got.categoryId == 3 && got.sourceKind == .crawled && got.jobId == "job-7")
        #expect(got.segmenter == "isnet-general-use" && got.width == 24 && got.height == 16)
        #expect(got.box == .init(x: 10, y: 20, width: 24, height: 16))
        #expect(got.areaRatio == 0.125 && got.clipScore == 27.25)
        #expect(got.status == .accepted && got.reason == "score 27.25 ≥ bar 21" && got.decidedBy == .filter)
        #expect(got.createdAt == Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(got.cutoutBytes == TestPNG.cutout(seed: 5).count)
    }

    @Test func badInstancesGetTypedErrors() throws {
        let f = try BankFixture()
        try f.addCategories()
        let source = try f.addSource(seed: 1)
        var rgb = try BankFixture.instance(source: source, category: 1, seed: 1)
        rgb.cutout = try PNGBlob(TestPNG.rgb(width: 4, height: 4))
        #expect { try f.bank.addInstances([rgb]) } throws: { ($0 as? BankError)?.code == "bank.invalid_blob" }
        #expect { try PNGBlob(Data("GIF89a".utf8)) } throws: { ($0 as? BankError)?.code == "bank.invalid_blob" }
        #expect(throws: BankError.unknownSource(77)) { try f.bank.addInstances([try BankFixture.instance(source: 77, category: 1, seed: 2)]) }
        #expect { try f.bank.addInstances([try BankFixture.instance(source: source, category: 55, seed: 2)]) } throws: {
            ($0 as? BankError)?.code == "bank.invalid_category"
        }
        var undecided = try BankFixture.instance(source: source, category: 1, seed: 3, status: .accepted)
        undecided.decidedBy = nil
        #expect { try f.bank.addInstances([undecided]) } throws: { ($0 as? BankError)?.code == "bank.invalid_argument" }
        var nan = try BankFixture.instance(source: source, category: 1, seed: 4)
        nan.clipScore = .nan
        #expect { try f.bank.addInstances([nan]) } throws: { ($0 as? BankError)?.code == "bank.invalid_argument" }
        #expect(try f.scalar("SELECT count(*) FROM instance") == 0)
        #expect(try f.scalar("SELECT count(*) FROM blob") == 0)
    }

    @Test func failureBetweenBlobAndRowLeavesNeither() throws {
        let f = try BankFixture(faults: { point in
            if point == .instanceBlobsWritten { throw InjectedFault() }
        })
        try f.addCategories()
        let source = try f.addSource(seed: 1)
        #expect(throws: BankError.self) {
            try f.bank.addInstances([try BankFixture.instance(source: source, category: 1, seed: 1, thumbnail: true)])
        }
        #expect(try f.scalar("SELECT count(*) FROM instance") == 0)
        #expect(try f.scalar("SELECT count(*) FROM blob") == 0)
        #expect(try f.bank.stats().blobs == 0)
        #expect(try f.bank.categoryCounts().isEmpty)
        #expect(try f.bank.verify(full: true).isOK)
    }

    @Test func aFailedBatchCommitsNothing() throws {
        // The fault fires on the 4th instance of a batch of 6: the 3 before it must roll back too.
        let counter = Counter()
        let f = try BankFixture(faults: { point in
            if point == .instanceBlobsWritten, counter.increment() == 4 { throw InjectedFault() }
        })
        try f.addCategories()
        let source = try f.addSource(seed: 1)
        let batch = try (0..<6).map { try BankFixture.instance(source: source, category: 1, seed: $0) }
        #expect(throws: BankError.self) { try f.bank.addInstances(batch) }
        #expect(try f.scalar("SELECT count(*) FROM instance") == 0)
        #expect(try f.scalar("SELECT count(*) FROM blob") == 0)
        // The next batch goes through whole.
        #expect(try f.bank.addInstances(batch).allSatisfy(\.inserted))
        #expect(try f.bank.count(.all) == 6)
    }

    @Test func failureAfterSourceBytesLeavesNoSource() throws {
        let f = try BankFixture(faults: { point in
            if point == .sourceBytesWritten { throw InjectedFault() }
        })
        #expect(throws: BankError.self) {
            try f.bank.addSource(NewSource(kind: .uploaded, bytes: Data([1, 2, 3]), width: 1, height: 1))
        }
        #expect(try f.scalar("SELECT count(*) FROM source") == 0)
        #expect(try f.scalar("SELECT count(*) FROM blob") == 0)
    }

    @Test func categoriesKeepIdRangesApart() throws {
        let f = try BankFixture()
        try f.addCategories()
        let custom = try f.bank.userCategory(named: "Left-handed Spatula")
        #expect(custom.id == BankCategory.userIdBase && custom.isUserDefined && custom.xpastePoolIndex == nil)
        let second = try f.bank.userCategory(named: "my widget")
        #expect(second.id == BankCategory.userIdBase + 1)
        // Known names (by normalised form or synonym) resolve instead of creating new categories.
        #expect(try f.bank.userCategory(named: "Aerosol can").id == 1)
        #expect(try f.bank.userCategory(named: "spray can").id == 1)
        #expect(try f.bank.userCategory(named: "AEROPLANE").id == 3)
        #expect(try f.bank.userCategory(named: "left-handed spatula").id == custom.id)
        #expect(try f.bank.category(named: "Air Conditioner")?.id == 2)
        #expect(try f.bank.category(id: 1)?.xpastePoolIndex == 0)
        // A name already taken by another id is refused.
        #expect { try f.bank.upsertCategories([BankCategory(id: 9, name: "AIRPLANE")]) } throws: {
            ($0 as? BankError)?.code == "bank.invalid_category"
        }
        #expect(try f.bank.categories().map(\.id) == [1, 2, 3, BankCategory.userIdBase, BankCategory.userIdBase + 1])
    }
}

/// A thread-safe counter for fault hooks.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
