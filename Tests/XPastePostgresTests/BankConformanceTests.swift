import Foundation
import Testing
import XPasteBank
import XPasteImage
import XPastePostgres

/// Every bank guarantee the pipeline relies on, checked on SQLite and on PostgreSQL alike.
@Suite(.serialized) struct BankConformanceTests {
    @Test(arguments: BankDriver.allCases)
    func categoriesAreFoundByNameNormalisedNameAndSynonym(_ driver: BankDriver) async throws {
        try await driver.withBank { bank, _ in
            try await bank.upsertCategories(BankSamples.categories)
            #expect(try await bank.categories().map(\.id) == [1, 2, 3])
            #expect(try await bank.category(named: "AIRPLANE")?.id == 3)
            #expect(try await bank.category(named: "Air conditioner")?.id == 2)
            #expect(try await bank.category(named: "spray can")?.id == 1)
            #expect(try await bank.category(named: "aeroplane")?.id == 3)
            #expect(try await bank.category(named: "yak") == nil)
            let stored = try #require(try await bank.category(id: 1))
            #expect(stored.synonyms == ["aerosol_can", "spray_can"] && stored.frequency == .common)

            let dog = try await bank.userCategory(named: "Dog")
            #expect(dog.id == BankCategory.userIdBase && dog.isUserDefined)
            #expect(try await bank.userCategory(named: "dog").id == dog.id)
            #expect(try await bank.userCategory(named: "cat").id == BankCategory.userIdBase + 1)
            // A name another category holds is refused, in any case.
            await #expect(throws: BankError.self) {
                try await bank.upsertCategories([BankCategory(id: 9, name: "AIRPLANE")])
            }
            await #expect(throws: BankError.invalidCategory("empty category name")) { try await bank.userCategory(named: "  ") }
        }
    }

    @Test(arguments: BankDriver.allCases)
    func sourcesAndInstancesRoundTripWithTheirBytes(_ driver: BankDriver) async throws {
        try await driver.withBank { bank, _ in
            try await bank.upsertCategories(BankSamples.categories)
            let image = try BankSamples.cutoutPNG(seed: 99, width: 40, height: 30)
            let kept = NewSource(
                kind: .crawled, bytes: image, width: 40, height: 30,
                provenance: SourceProvenance(url: "https://example.org/a.png", licence: "CC-BY", author: "someone"),
                categoryId: 2, jobId: "job-a", mediaType: "image/png", clipScore: 31.5)
            let first = try await bank.addSource(kept)
            #expect(first.inserted)
            #expect(try await bank.addSource(kept) == Insertion(id: first.id, inserted: false))
            #expect(try await bank.sourceImage(id: first.id) == image)
            let source = try #require(try await bank.source(id: first.id))
            #expect(source.kind == .crawled && source.categoryId == 2 && source.jobId == "job-a" && source.storage == .blob)
            #expect(source.provenance.url == "https://example.org/a.png" && source.provenance.licence == "CC-BY")
            #expect(source.clipScore == 31.5 && source.status == .pending && source.width == 40)
            let hashOnly = try await bank.addSource(BankSamples.source(seed: 1, category: 1))
            #expect(try await bank.sourceImage(id: hashOnly.id) == nil)
            await #expect(throws: BankError.unknownSource(987_654)) { try await bank.sourceImage(id: 987_654) }

            let made = try BankSamples.instance(
                source: first.id, category: 2, seed: 5, score: 27.25, area: 0.125, status: .accepted, thumbnail: true,
                createdAt: Date(timeIntervalSince1970: 1_700_000_000.123))
            let inserted = try await bank.addInstances([made])
            #expect(inserted.count == 1 && inserted[0].inserted)
            // The same cutout again in the same category is the same instance; in another, a new one
            // sharing the stored bytes.
            #expect(try await bank.addInstances([made]) == [Insertion(id: inserted[0].id, inserted: false)])
            var elsewhere = made
            elsewhere.categoryId = 3
            let other = try await bank.addInstances([elsewhere])
            #expect(other[0].inserted && other[0].id != inserted[0].id)

            let instance = try #require(try await bank.instance(id: inserted[0].id))
            #expect(instance.sourceId == first.id && instance.categoryId == 2 && instance.sourceKind == .crawled)
            #expect(instance.jobId == "job-a" && instance.segmenter == "u2net" && instance.status == .accepted)
            #expect(instance.clipScore == 27.25 && instance.areaRatio == 0.125 && instance.decidedBy == .filter)
            #expect(instance.box == PixelBox(x: 5, y: 3, width: 24, height: 16) && instance.width == 24 && instance.height == 16)
            #expect(instance.createdAt == Date(timeIntervalSince1970: 1_700_000_000.123))
            #expect(instance.cutoutSHA256 == made.cutout.sha256 && instance.cutoutBytes == made.cutout.data.count)
            let cutout = try await bank.cutout(of: instance.id)
            #expect(cutout.png == made.cutout.data && cutout.categoryId == 2 && cutout.width == 24)
            #expect(try await bank.cutouts(of: [other[0].id, instance.id]).map(\.instanceId) == [other[0].id, instance.id])
            #expect(try await bank.blob(try #require(instance.thumbnailSHA256)) == made.thumbnail?.data)
            await #expect(throws: BankError.unknownInstance(424_242)) { try await bank.cutouts(of: [instance.id, 424_242]) }

            let stats = try await bank.stats()
            // Blobs: the kept source image, one cutout shared by two instances, one thumbnail.
            #expect(stats.blobs == 3 && stats.instances == 2 && stats.sources == 2 && stats.categories == 3)
            #expect(stats.blobBytes == Int64(image.count + made.cutout.data.count + (made.thumbnail?.data.count ?? 0)))
            #expect(stats.instancesByStatus[.accepted] == 2 && stats.sourcesByKind[.crawled] == 1 && stats.categoriesWithAccepted == 2)
            #expect(stats.fileBytes > 0)
        }
    }

    @Test(arguments: BankDriver.allCases)
    func aTransactionThatThrowsWritesNothing(_ driver: BankDriver) async throws {
        try await driver.withBank { bank, _ in
            try await bank.upsertCategories(BankSamples.categories)
            struct Stop: Error {}
            let instance = try BankSamples.instance(source: 0, category: 1, seed: 1)
            await #expect(throws: Stop.self) {
                try await bank.write { writer in
                    let source = try writer.addSource(BankSamples.source(seed: 7, category: 1))
                    var made = instance
                    made.sourceId = source.id
                    _ = try writer.addInstance(made)
                    _ = try writer.userCategory(named: "ghost")
                    throw Stop()
                }
            }
            let stats = try await bank.stats()
            #expect(stats.sources == 0 && stats.instances == 0 && stats.blobs == 0 && stats.categories == 3)
            #expect(try await bank.category(named: "ghost") == nil)
            // A refused step inside a batch loses the batch, and the bank's error comes out typed.
            await #expect(throws: BankError.unknownSource(12_345)) {
                try await bank.write { writer in
                    _ = try writer.addSource(BankSamples.source(seed: 8, category: 1))
                    var made = instance
                    made.sourceId = 12_345
                    _ = try writer.addInstance(made)
                }
            }
            #expect(try await bank.stats().sources == 0)
        }
    }

    @Test(arguments: BankDriver.allCases)
    func browsePagesInEveryOrderWithoutGapsOrRepeats(_ driver: BankDriver) async throws {
        try await driver.withBank { bank, _ in
            try await bank.upsertCategories(BankSamples.categories)
            let source = try await bank.addSource(BankSamples.source(seed: 1)).id
            var made: [NewInstance] = []
            for k in 0..<23 {
                // Repeated scores and areas, some missing: ties break on id, missing sort lowest.
                made.append(try BankSamples.instance(
                    source: source, category: Int64(1 + k % 3), seed: k, score: k % 5 == 0 ? nil : Double(k % 4) * 10,
                    area: k % 6 == 0 ? nil : Double(k % 3) / 10, status: k % 2 == 0 ? .accepted : .pending,
                    createdAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(k % 7)), segmenter: k % 3 == 0 ? "isnet" : "u2net"))
            }
            let ids = try await bank.addInstances(made).map(\.id)
            let all = try await bank.browse(InstanceQuery(filter: .all, order: .newest, limit: 1000)).instances
            #expect(all.count == 23)
            let byId = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
            func key(_ i: BankInstance, _ k: InstanceOrder.Key) -> Double {
                switch k {
                case .clipScore: i.clipScore ?? -1e300
                case .areaRatio: i.areaRatio ?? -1e300
                case .createdAt: i.createdAt.timeIntervalSince1970
                }
            }
            let filters: [InstanceFilter] = [
                .all, InstanceFilter(statuses: [.accepted]), InstanceFilter(categoryIds: [1, 3]),
                InstanceFilter(categoryNamePrefix: "AIR", statuses: [.pending]), InstanceFilter(clipScore: 10...30),
                InstanceFilter(areaRatio: 0.05...1), InstanceFilter(segmenters: ["isnet"]), InstanceFilter(sourceId: source),
            ]
            func matches(_ i: BankInstance, _ f: InstanceFilter) -> Bool {
                if let c = f.categoryIds, !c.contains(i.categoryId) { return false }
                if let p = f.categoryNamePrefix, i.categoryId == 1 || !p.lowercased().hasPrefix("air") { return false }
                if let s = f.statuses, !s.contains(i.status) { return false }
                if let r = f.clipScore, !(i.clipScore.map(r.contains) ?? false) { return false }
                if let r = f.areaRatio, !(i.areaRatio.map(r.contains) ?? false) { return false }
                if let s = f.segmenters, !s.contains(i.segmenter) { return false }
                if let s = f.sourceId, i.sourceId != s { return false }
                return true
            }
            for filter in filters {
                for k in [InstanceOrder.Key.clipScore, .createdAt, .areaRatio] {
                    for descending in [true, false] {
                        let order = InstanceOrder(k, descending: descending)
                        let expected = ids.compactMap { byId[$0] }.filter { matches($0, filter) }.sorted { a, b in
                            let (ka, kb) = (key(a, k), key(b, k))
                            if ka != kb { return descending ? ka > kb : ka < kb }
                            return descending ? a.id > b.id : a.id < b.id
                        }.map(\.id)
                        var got: [Int64] = []
                        var cursor: String?
                        repeat {
                            let page = try await bank.browse(InstanceQuery(filter: filter, order: order, limit: 4, cursor: cursor))
                            #expect(page.instances.count <= 4)
                            got += page.instances.map(\.id)
                            cursor = page.nextCursor
                        } while cursor != nil
                        #expect(got == expected, "\(filter) \(k) \(descending ? "desc" : "asc")")
                        #expect(try await bank.count(filter) == expected.count, "\(filter)")
                    }
                }
            }
            // A cursor belongs to its query.
            let page = try await bank.browse(InstanceQuery(filter: .all, order: .bestScore, limit: 2))
            let token = try #require(page.nextCursor)
            await #expect(throws: BankError.self) {
                try await bank.browse(InstanceQuery(filter: InstanceFilter(statuses: [.accepted]), order: .bestScore, limit: 2, cursor: token))
            }
            await #expect(throws: BankError.self) { try await bank.browse(InstanceQuery(filter: .all, order: .newest, limit: 2, cursor: token)) }
            await #expect(throws: BankError.self) { try await bank.browse(InstanceQuery(filter: .all, order: .newest, limit: 0)) }
            #expect(try await bank.browse(InstanceQuery(filter: InstanceFilter(categoryIds: []), order: .newest, limit: 5)).instances.isEmpty)
        }
    }

    @Test(arguments: BankDriver.allCases)
    func decisionsMoveTheCountsAndHistograms(_ driver: BankDriver) async throws {
        try await driver.withBank { bank, _ in
            try await bank.upsertCategories(BankSamples.categories)
            let source = try await bank.addSource(BankSamples.source(seed: 1)).id
            let scores: [Double?] = [5, 15, 15, 29.9, 30, 95, nil, 12]
            var made: [NewInstance] = []
            for (k, s) in scores.enumerated() {
                made.append(try BankSamples.instance(source: source, category: k < 5 ? 1 : 2, seed: k, score: s))
            }
            let ids = try await bank.addInstances(made).map(\.id)
            #expect(try await bank.categoryCounts() == [
                CategoryCounts(categoryId: 1, name: "aerosol_can", pending: 5), CategoryCounts(categoryId: 2, name: "air_conditioner", pending: 3),
            ])
            #expect(try await bank.setStatus(.accepted, decidedBy: .person, for: .ids([ids[0], ids[1], ids[5], ids[0]])) == 3)
            #expect(try await bank.setStatus(.rejected, reason: "low", decidedBy: .filter, for: .filter(InstanceFilter(categoryIds: [1], statuses: [.pending]))) == 3)
            await #expect(throws: BankError.self) { try await bank.setStatus(.accepted, decidedBy: nil, for: .ids([ids[2]])) }
            #expect(try await bank.categoryCounts() == [
                CategoryCounts(categoryId: 1, name: "aerosol_can", accepted: 2, rejected: 3),
                CategoryCounts(categoryId: 2, name: "air_conditioner", pending: 2, accepted: 1),
            ])
            #expect(try await bank.count(InstanceFilter(statuses: [.rejected])) == 3)
            let decided = try #require(try await bank.instance(id: ids[2]))
            #expect(decided.status == .rejected && decided.reason == "low" && decided.decidedBy == .filter && decided.decidedAt != nil)
            // Ten bins over 0…100: 5 → 0, 12 and 15 → 1, 29.9 → 2, 30 → 3, 95 → 9; unscored apart.
            let histograms = try await bank.scoreHistograms(.all, bins: 10, range: 0...100)
            #expect(histograms.map(\.categoryId) == [1, 2])
            #expect(histograms[0].counts == [1, 2, 1, 1, 0, 0, 0, 0, 0, 0] && histograms[0].unscored == 0)
            #expect(histograms[1].counts == [0, 1, 0, 0, 0, 0, 0, 0, 0, 1] && histograms[1].unscored == 1)
            // Scores outside the range land in the end bins.
            let narrow = try await bank.scoreHistograms(InstanceFilter(categoryIds: [1]), bins: 2, range: 10...20)
            #expect(narrow.first?.counts == [1, 4])
            await #expect(throws: BankError.self) { try await bank.scoreHistograms(.all, bins: 0, range: 0...1) }
            try await bank.write { writer in try writer.setClipScore(99.5, forInstance: ids[6]) }
            #expect(try await bank.instance(id: ids[6])?.clipScore == 99.5)
            await #expect(throws: BankError.unknownInstance(777_777)) {
                try await bank.write { writer in try writer.setClipScore(1, forInstance: 777_777) }
            }
        }
    }

    @Test(arguments: BankDriver.allCases)
    func deletingInstancesFreesOnlyBlobsNothingElseUses(_ driver: BankDriver) async throws {
        try await driver.withBank { bank, _ in
            try await bank.upsertCategories(BankSamples.categories)
            let source = try await bank.addSource(BankSamples.source(seed: 1)).id
            let a = try BankSamples.instance(source: source, category: 1, seed: 1, thumbnail: true)
            var shared = a
            shared.categoryId = 2
            shared.thumbnail = nil
            let b = try BankSamples.instance(source: source, category: 1, seed: 2)
            let ids = try await bank.addInstances([a, shared, b]).map(\.id)
            #expect(try await bank.stats().blobs == 3)
            // The cutout of a is still used by its copy in category 2; only b's cutout goes.
            let first = try await bank.deleteInstances(.ids([ids[0], ids[2]]))
            #expect(first.instances == 2 && first.blobs == 2)
            #expect(first.blobBytes == Int64(b.cutout.data.count + (a.thumbnail?.data.count ?? 0)))
            #expect(try await bank.blob(a.cutout.sha256) == a.cutout.data)
            #expect(try await bank.blob(b.cutout.sha256) == nil)
            let second = try await bank.deleteInstances(.filter(InstanceFilter(categoryIds: [2])))
            #expect(second.instances == 1 && second.blobs == 1)
            let stats = try await bank.stats()
            #expect(stats.blobs == 0 && stats.instances == 0 && stats.blobBytes == 0)
            #expect(try await bank.categoryCounts().isEmpty)
            #expect(try await bank.deleteInstances(.ids([])) == DeletionSummary())
        }
    }

    @Test(arguments: BankDriver.allCases)
    func samplerVerifyAndCategoryMoves(_ driver: BankDriver) async throws {
        try await driver.withBank { bank, _ in
            try await bank.upsertCategories(BankSamples.categories)
            await #expect(throws: BankError.self) { try await bank.makeSampler(.classBalanced) }
            let source = try await bank.addSource(BankSamples.source(seed: 1)).id
            let user = try await bank.userCategory(named: "puppy")
            var made: [NewInstance] = []
            for k in 0..<6 {
                made.append(try BankSamples.instance(source: source, category: k < 3 ? 1 : user.id, seed: k, status: k == 2 ? .rejected : .accepted))
            }
            // Seed 0 again under the user category: a duplicate of an instance already in category 1.
            made.append(try BankSamples.instance(source: source, category: user.id, seed: 0, status: .accepted))
            let ids = try await bank.addInstances(made).map(\.id)
            let sampler = try await bank.makeSampler(.classBalanced)
            #expect(sampler.categoryIds == [1, user.id] && sampler.instanceCount == 6)
            let only = try await bank.makeSampler(.proportional, categories: [user.id])
            #expect(only.categoryIds == [user.id] && only.instanceCount == 4)
            let report = try await bank.verify(full: true)
            #expect(report.isOK && report.blobsChecked == 6 && report.countMismatches.isEmpty)

            // Linking the user category to an LVIS id moves its instances; the duplicate of seed 0 goes.
            let moved = try await bank.write { writer in try writer.moveCategory(user.id, to: BankCategory(id: 1, name: "aerosol_can")) }
            #expect(moved == 3)
            #expect(try await bank.category(id: user.id) == nil)
            #expect(try await bank.count(InstanceFilter(categoryIds: [1])) == 6)
            #expect(try await bank.instance(id: ids[6]) == nil)
            #expect(try await bank.verify(full: true).isOK)
        }
    }

    @Test(arguments: BankDriver.allCases)
    func sourcesPageByStatusKindAndCategory(_ driver: BankDriver) async throws {
        try await driver.withBank { bank, _ in
            try await bank.upsertCategories(BankSamples.categories)
            var ids: [Int64] = []
            for k in 0..<12 {
                let kind: SourceKind = k % 3 == 0 ? .crawled : .generated
                ids.append(try await bank.addSource(BankSamples.source(seed: k, kind: kind, category: Int64(1 + k % 2))).id)
            }
            let (extracted, broken) = (ids[1], ids[4])
            try await bank.write { writer in
                try writer.updateSource(id: extracted, status: .extracted, error: nil, clipScore: 22)
                try writer.updateSource(id: broken, status: .failed, error: "broken", clipScore: nil)
            }
            await #expect(throws: BankError.unknownSource(99_999)) {
                try await bank.write { writer in try writer.updateSource(id: 99_999, status: .failed, error: nil, clipScore: nil) }
            }
            var seen: [Int64] = []
            var after: Int64 = 0
            while true {
                let page = try await bank.sources(status: .pending, kinds: [.generated], categoryIds: [1, 2], afterId: after, limit: 3)
                guard let last = page.last else { break }
                seen += page.map(\.id)
                after = last.id
            }
            let expected = ids.enumerated().filter { $0.offset % 3 != 0 && $0.offset != 1 && $0.offset != 4 }.map(\.element)
            #expect(seen == expected)
            #expect(try await bank.sources(status: nil, kinds: [.crawled], categoryIds: [2], afterId: 0, limit: 10).map(\.id) == [ids[3], ids[9]])
            #expect(try await bank.sources(status: nil, kinds: [], categoryIds: nil, afterId: 0, limit: 10).isEmpty)
            let failed = try await bank.sources(status: .failed, kinds: nil, categoryIds: nil, afterId: 0, limit: 10)
            #expect(failed.map(\.id) == [ids[4]] && failed[0].error == "broken")
            await #expect(throws: BankError.self) { try await bank.sources(status: nil, kinds: nil, categoryIds: nil, afterId: 0, limit: 0) }
        }
    }

    @Test(arguments: BankDriver.allCases)
    func badValuesAreRefusedWithTypedErrors(_ driver: BankDriver) async throws {
        try await driver.withBank { bank, _ in
            try await bank.upsertCategories(BankSamples.categories)
            let source = try await bank.addSource(BankSamples.source(seed: 1)).id
            func refused(_ code: String, _ body: @escaping @Sendable (any BankWriter) throws -> Void) async {
                do {
                    try await bank.write(body)
                    Issue.record("accepted what \(code) should refuse")
                } catch let error as BankError {
                    #expect(error.code == code, "\(error)")
                } catch {
                    Issue.record("untyped \(error)")
                }
            }
            let good = try BankSamples.instance(source: source, category: 1, seed: 1)
            await refused("bank.invalid_argument") { w in var i = good; i.clipScore = .nan; _ = try w.addInstance(i) }
            await refused("bank.invalid_argument") { w in var i = good; i.areaRatio = -1; _ = try w.addInstance(i) }
            await refused("bank.invalid_argument") { w in var i = good; i.status = .accepted; _ = try w.addInstance(i) }
            await refused("bank.invalid_argument") { w in var i = good; i.segmenter = " "; _ = try w.addInstance(i) }
            await refused("bank.invalid_category") { w in var i = good; i.categoryId = 404; _ = try w.addInstance(i) }
            await refused("bank.unknown_source") { w in var i = good; i.sourceId = 404; _ = try w.addInstance(i) }
            let rgb = Data(try ImageCodec.encodePNG(Image(width: 4, height: 4, format: .rgb8, filledWith: [1, 2, 3])))
            await refused("bank.invalid_blob") { w in var i = good; i.cutout = try PNGBlob(rgb); _ = try w.addInstance(i) }
            await refused("bank.invalid_argument") { w in _ = try w.addSource(NewSource(kind: .uploaded, sha256: good.cutout.sha256, width: 0, height: 3)) }
            await refused("bank.invalid_argument") { w in
                var s = NewSource(kind: .uploaded, bytes: Data([1, 2, 3]), width: 1, height: 1)
                s.sha256 = good.cutout.sha256
                _ = try w.addSource(s)
            }
            await refused("bank.invalid_category") { w in try w.upsertCategories([BankCategory(id: 0, name: "zero")]) }
            #expect(try await bank.stats().instances == 0)
        }
    }

    @Test(arguments: BankDriver.allCases)
    func twoHandlesWritingTheSameBytesKeepOneCopy(_ driver: BankDriver) async throws {
        try await driver.withBank { bank, another in
            try await bank.upsertCategories(BankSamples.categories)
            let handles: [any InstanceBank] = [bank, try await another(), try await another()]
            let cutouts = try (0..<12).map { try PNGBlob(try BankSamples.cutoutPNG(seed: $0)) }
            // Every handle adds the same source and the same twelve cutouts in its own order, at once.
            let results = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for (h, handle) in handles.enumerated() {
                    group.addTask {
                        var out: [Int64] = []
                        for k in (0..<12).map({ ($0 * [5, 7, 11][h] + h) % 12 }) {
                            let id = try await handle.write { writer -> Int64 in
                                let source = try writer.addSource(BankSamples.source(seed: 1, category: 1)).id
                                let made = NewInstance(sourceId: source, categoryId: 1, segmenter: "u2net", cutout: cutouts[k])
                                return try writer.addInstance(made).id
                            }
                            out.append(id)
                        }
                        return out.sorted()
                    }
                }
                var all: [[Int64]] = []
                for try await r in group { all.append(r) }
                return all
            }
            #expect(Set(results).count == 1 && results[0].count == 12)
            let stats = try await bank.stats()
            #expect(stats.sources == 1 && stats.instances == 12 && stats.blobs == 12)
            #expect(try await bank.verify(full: true).isOK)
        }
    }
}
