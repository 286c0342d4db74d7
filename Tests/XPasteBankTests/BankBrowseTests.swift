import Foundation
import Testing
@testable import XPasteBank

/// What the test put in the bank, to compute every expected page independently of SQL.
struct ModelInstance {
    var id: Int64
    var category: Int64
    var categoryName: String
    var source: Int64
    var kind: SourceKind
    var job: String?
    var segmenter: String
    var score: Double?
    var area: Double?
    var status: InstanceStatus
    var created: Int64

    func key(_ k: InstanceOrder.Key) -> Double {
        switch k {
        case .clipScore: score ?? -1e300
        case .areaRatio: area ?? -1e300
        case .createdAt: Double(created)
        }
    }

    func matches(_ f: InstanceFilter) -> Bool {
        if let c = f.categoryIds, !c.contains(category) { return false }
        if let p = f.categoryNamePrefix, !categoryName.lowercased().hasPrefix(p.lowercased()) { return false }
        if let k = f.sourceKinds, !k.contains(kind) { return false }
        if let s = f.statuses, !s.contains(status) { return false }
        if let r = f.clipScore { guard let score, r.contains(score) else { return false } }
        if let r = f.areaRatio { guard let area, r.contains(area) else { return false } }
        if let s = f.segmenters, !s.contains(segmenter) { return false }
        if let j = f.jobId, job != j { return false }
        if let s = f.sourceId, source != s { return false }
        return true
    }
}

/// A bank of 240 instances with deliberate ties and NULLs in every sort key.
struct BrowseDataset {
    let fixture: BankFixture
    var model: [ModelInstance] = []
    var sources: [Int64] = []

    init(count: Int = 240) throws {
        fixture = try BankFixture()
        let categories = try fixture.addCategories([BankCategory(id: BankCategory.userIdBase, name: "widget")])
        let names = Dictionary(uniqueKeysWithValues: categories.map { ($0.id, $0.name) })
        let sourceSpecs: [(SourceKind, String?)] = [
            (.crawled, "j1"), (.generated, "j1"), (.generated, "j2"), (.uploaded, nil), (.crawled, "j2"), (.generated, nil),
        ]
        for (n, spec) in sourceSpecs.enumerated() {
            sources.append(try fixture.addSource(seed: n, kind: spec.0, jobId: spec.1))
        }
        var rng = Xoshiro256StarStar(seed: 42)
        let segmenters = ["u2net", "isnet", "birefnet"]
        let base = Date(timeIntervalSince1970: 1_750_000_000)
        var batch: [NewInstance] = []
        var pending: [ModelInstance] = []
        for i in 0..<count {
            let category = categories[rng.uniformIndex(below: categories.count)].id
            let s = rng.uniformIndex(below: sources.count)
            let score: Double? = i % 7 == 3 ? nil : 15 + Double(rng.uniformIndex(below: 41)) * 0.5
            let area: Double? = i % 5 == 2 ? nil : 0.01 + Double(rng.uniformIndex(below: 18)) * 0.05
            let status = InstanceStatus.allCases[rng.uniformIndex(below: 3)]
            let segmenter = segmenters[rng.uniformIndex(below: 3)]
            let created = base.addingTimeInterval(Double(rng.uniformIndex(below: 50)))
            if batch.count == 500 {
                try store(&batch, &pending)
            }
            batch.append(try BankFixture.instance(
                source: sources[s], category: category, seed: 1000 + i, score: score, area: area, status: status,
                segmenter: segmenter, createdAt: created))
            pending.append(ModelInstance(
                id: 0, category: category, categoryName: names[category]!, source: sources[s], kind: sourceSpecs[s].0,
                job: sourceSpecs[s].1, segmenter: segmenter, score: score, area: area, status: status,
                created: BankTime.millis(created)))
        }
        try store(&batch, &pending)
    }

    private mutating func store(_ batch: inout [NewInstance], _ pending: inout [ModelInstance]) throws {
        let ids = try fixture.bank.addInstances(batch)
        for (k, insertion) in ids.enumerated() {
            precondition(insertion.inserted)
            var m = pending[k]
            m.id = insertion.id
            model.append(m)
        }
        batch.removeAll()
        pending.removeAll()
    }

    func expected(_ filter: InstanceFilter, _ order: InstanceOrder) -> [Int64] {
        model.filter { $0.matches(filter) }.sorted { a, b in
            let ka = a.key(order.key), kb = b.key(order.key)
            if ka != kb { return order.descending ? ka > kb : ka < kb }
            return order.descending ? a.id > b.id : a.id < b.id
        }.map(\.id)
    }

    /// Every page of a browse, concatenated.
    func pages(_ filter: InstanceFilter, _ order: InstanceOrder, limit: Int) throws -> (ids: [Int64], pages: Int) {
        var cursor: String?
        var ids: [Int64] = []
        var pages = 0
        repeat {
            let page = try fixture.bank.browse(InstanceQuery(filter: filter, order: order, limit: limit, cursor: cursor))
            ids += page.instances.map(\.id)
            cursor = page.nextCursor
            pages += 1
            precondition(pages < 10_000)
        } while cursor != nil
        return (ids, pages)
    }
}

@Suite struct BankBrowseTests {
    static let filters: [InstanceFilter] = [
        .all,
        InstanceFilter(categoryIds: [2]),
        InstanceFilter(categoryIds: [1, 3]),
        InstanceFilter(categoryNamePrefix: "air"),
        InstanceFilter(categoryIds: [3, 1], categoryNamePrefix: "AIR"),
        InstanceFilter(categoryNamePrefix: "zzz"),
        InstanceFilter(categoryNamePrefix: "wid"),
        InstanceFilter(sourceKinds: [.crawled]),
        InstanceFilter(sourceKinds: [.generated, .uploaded]),
        InstanceFilter(statuses: [.accepted]),
        InstanceFilter(statuses: [.pending, .rejected]),
        InstanceFilter(statuses: []),
        InstanceFilter(clipScore: 20...30),
        InstanceFilter(clipScore: -1e308...1e308),
        InstanceFilter(areaRatio: 0.1...0.5),
        InstanceFilter(segmenters: ["isnet"]),
        InstanceFilter(segmenters: ["u2net", "birefnet"]),
        InstanceFilter(jobId: "j1"),
        InstanceFilter(jobId: "nope"),
        InstanceFilter(categoryIds: [2], statuses: [.accepted], clipScore: 18...40, segmenters: ["u2net"]),
        InstanceFilter(categoryIds: [1], statuses: [.rejected], areaRatio: 0.2...0.9),
    ]

    @Test func everyFilterAndSortMatchesTheModel() throws {
        let data = try BrowseDataset()
        var filters = Self.filters
        filters.append(InstanceFilter(sourceId: data.sources[2]))
        for filter in filters {
            let expectedCount = data.model.filter { $0.matches(filter) }.count
            #expect(try data.fixture.bank.count(filter) == expectedCount, "count \(filter)")
            for key in InstanceOrder.Key.allCases {
                for descending in [true, false] {
                    let order = InstanceOrder(key, descending: descending)
                    let got = try data.pages(filter, order, limit: 7)
                    let want = data.expected(filter, order)
                    #expect(got.ids == want, "filter \(filter) order \(order)")
                    #expect(got.pages == max(1, (want.count + 6) / 7), "page count \(filter) \(order)")
                }
            }
        }
        // Sanity: the filters are not all trivially empty or full.
        #expect(data.expected(InstanceFilter(statuses: [.accepted]), .newest).count > 40)
        #expect(data.expected(InstanceFilter(categoryIds: [2], statuses: [.accepted], clipScore: 18...40, segmenters: ["u2net"]), .newest).count > 0)
    }

    @Test func pageSizesAndCursorsAreChecked() throws {
        let data = try BrowseDataset()
        let bank = data.fixture.bank
        #expect { try bank.browse(InstanceQuery(limit: 0)) } throws: { ($0 as? BankError)?.code == "bank.invalid_argument" }
        #expect { try bank.browse(InstanceQuery(limit: 1001)) } throws: { ($0 as? BankError)?.code == "bank.invalid_argument" }
        let first = try bank.browse(InstanceQuery(order: .bestScore, limit: 5))
        let cursor = try #require(first.nextCursor)
        #expect { try bank.browse(InstanceQuery(order: .newest, limit: 5, cursor: cursor)) } throws: {
            ($0 as? BankError)?.code == "bank.invalid_cursor"
        }
        #expect { try bank.browse(InstanceQuery(filter: InstanceFilter(categoryIds: [1]), order: .bestScore, limit: 5, cursor: cursor)) } throws: {
            ($0 as? BankError)?.code == "bank.invalid_cursor"
        }
        #expect { try bank.browse(InstanceQuery(order: .bestScore, limit: 5, cursor: "not-a-cursor!")) } throws: {
            ($0 as? BankError)?.code == "bank.invalid_cursor"
        }
        // A valid cursor with another page size is fine: size is not part of the position.
        let next = try bank.browse(InstanceQuery(order: .bestScore, limit: 9, cursor: cursor))
        #expect(next.instances.first?.id == data.expected(.all, .bestScore)[5])
    }

    @Test func cursorsStayStableWhileRowsAreAdded() throws {
        let data = try BrowseDataset()
        let bank = data.fixture.bank
        let source = data.sources[0]
        for (round, order) in [InstanceOrder.bestScore, .newest, InstanceOrder(.areaRatio, descending: false)].enumerated() {
            let before = Set(try data.pages(.all, order, limit: 1000).ids)
            let startWriter = DispatchSemaphore(value: 0)
            let firstCommit = DispatchSemaphore(value: 0)
            let writerDone = DispatchSemaphore(value: 0)
            // A writer thread adds rows with keys all over the range (old and new dates, any score)
            // while the reader pages; its transactions commit between and during the reader's.
            DispatchQueue.global().async {
                startWriter.wait()
                var rng = Xoshiro256StarStar(seed: UInt64(round))
                for n in 0..<60 {
                    let batch = (0..<5).map { k in
                        try! BankFixture.instance(
                            source: source, category: Int64(1 + rng.uniformIndex(below: 3)), seed: 100_000 * (round + 1) + n * 5 + k,
                            score: 15 + Double(rng.uniformIndex(below: 41)) * 0.5, area: Double(rng.uniformIndex(below: 90)) / 100,
                            createdAt: Date(timeIntervalSince1970: 1_750_000_000 + Double(rng.uniformIndex(below: 100))))
                    }
                    _ = try! bank.addInstances(batch)
                    if n == 0 { firstCommit.signal() }
                }
                writerDone.signal()
            }
            var seen: [Int64] = []
            var keys: [Double] = []
            var cursor: String?
            var pages = 0
            repeat {
                let page = try bank.browse(InstanceQuery(order: order, limit: 6, cursor: cursor))
                seen += page.instances.map(\.id)
                keys += page.instances.map { instance in
                    switch order.key {
                    case .clipScore: instance.clipScore ?? -1e300
                    case .areaRatio: instance.areaRatio ?? -1e300
                    case .createdAt: instance.createdAt.timeIntervalSince1970
                    }
                }
                cursor = page.nextCursor
                pages += 1
                if pages == 1 {
                    startWriter.signal()
                    firstCommit.wait()
                }
                Thread.sleep(forTimeInterval: 0.002)
            } while cursor != nil
            let countWhenDone = try bank.count(.all)
            writerDone.wait()
            #expect(countWhenDone > before.count, "no row was added while paging under \(order)")
            #expect(Set(seen).count == seen.count, "a row was returned twice under \(order)")
            #expect(before.isSubset(of: Set(seen)), "a row that existed before paging was skipped under \(order)")
            let monotone = zip(keys, keys.dropFirst()).allSatisfy { order.descending ? $0 >= $1 : $0 <= $1 }
            #expect(monotone, "keys went backwards under \(order)")
        }
    }

    @Test func manyCategoriesWalkTheSortIndexWhenThatIsCheaper() throws {
        let data = try BrowseDataset(count: 3000)
        let bank = data.fixture.bank
        // Categories 1-3 hold about three quarters of the rows: sorting them all would cost more than
        // walking the score index and skipping the fourth category.
        let wide = InstanceFilter(categoryIds: [1, 2, 3])
        let plan = try bank.browsePlan(InstanceQuery(filter: wide, order: .bestScore)).joined(separator: " | ")
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
        // Two small categories with a status: few rows, sorting them is cheaper.
        let narrow = InstanceFilter(categoryIds: [2, 3], statuses: [.pending])
        let narrowPlan = try bank.browsePlan(InstanceQuery(filter: narrow, order: .bestScore)).joined(separator: " | ")
        #expect(narrowPlan.contains("category_status"), "\(narrowPlan)")
        for filter in [wide, narrow, InstanceFilter(categoryNamePrefix: "a")] {
            for key in InstanceOrder.Key.allCases {
                let order = InstanceOrder(key, descending: key != .areaRatio)
                #expect(try data.pages(filter, order, limit: 100).ids == data.expected(filter, order), "\(filter) \(order)")
            }
        }
    }

    @Test func browseShapesUseAnIndexWithoutSorting() throws {
        let data = try BrowseDataset()
        let bank = data.fixture.bank
        let shapes: [InstanceFilter] = [
            .all,
            InstanceFilter(statuses: [.pending]),
            InstanceFilter(categoryIds: [2], statuses: [.accepted]),
            InstanceFilter(categoryIds: [2], statuses: [.accepted], clipScore: 20...30),
            InstanceFilter(sourceKinds: [.generated], statuses: [.accepted]),
        ]
        for filter in shapes {
            for key in InstanceOrder.Key.allCases {
                let first = try bank.browse(InstanceQuery(filter: filter, order: InstanceOrder(key), limit: 3))
                let plan = try bank.browsePlan(InstanceQuery(filter: filter, order: InstanceOrder(key), limit: 3, cursor: first.nextCursor))
                let text = plan.joined(separator: " | ")
                #expect(!text.contains("TEMP B-TREE"), "\(filter) by \(key) sorts: \(text)")
                #expect(text.contains("instance_browse_"), "\(filter) by \(key) does not use a browse index: \(text)")
            }
        }
    }
}
