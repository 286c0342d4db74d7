import Foundation
import NIOCore
import PostgresNIO
import XPasteBank

extension PostgresBank {
    /// Every category, by id.
    public func categories() async throws(BankError) -> [BankCategory] {
        var out: [BankCategory] = []
        for row in try await rows("SELECT \(unescaped: PostgresBankRows.categoryColumns) FROM category ORDER BY id") {
            out.append(try PostgresBankRows.category(row))
        }
        return out
    }

    /// The category with this id.
    public func category(id: Int64) async throws(BankError) -> BankCategory? {
        guard let row = try await rows("SELECT \(unescaped: PostgresBankRows.categoryColumns) FROM category WHERE id = \(id)").first else {
            return nil
        }
        return try PostgresBankRows.category(row)
    }

    /// The category with this name (without regard to case), normalised name or synonym.
    public func category(named name: String) async throws(BankError) -> BankCategory? {
        let normalized = BankCategory.normalizedName(name), lowered = name.lowercased()
        let row = try await rows("""
            SELECT \(unescaped: PostgresBankRows.categoryColumns) FROM category
            WHERE lower(name) = \(lowered) OR lower(name) = lower(\(normalized))
                OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(synonyms) s WHERE lower(s) IN (\(lowered), \(normalized)))
            ORDER BY CASE WHEN lower(name) = \(lowered) THEN 0 WHEN lower(name) = lower(\(normalized)) THEN 1 ELSE 2 END, id
            LIMIT 1
            """).first
        return try row.map { (r) throws(BankError) in try PostgresBankRows.category(r) }
    }

    /// The source with this id.
    public func source(id: Int64) async throws(BankError) -> BankSource? {
        guard let row = try await rows("SELECT \(unescaped: PostgresBankRows.sourceColumns) FROM source WHERE id = \(id)").first else {
            return nil
        }
        return try PostgresBankRows.source(row)
    }

    /// The kept bytes of a source image; nil when only its hash was recorded.
    public func sourceImage(id: Int64) async throws(BankError) -> Data? {
        guard let row = try await rows("SELECT s.storage, b.data FROM source s LEFT JOIN blob b ON b.id = s.image_blob_id WHERE s.id = \(id)").first else {
            throw BankError.unknownSource(id)
        }
        let (storage, data) = try PostgresBankRows.decode(row, (String, Data?).self)
        guard storage == SourceStorage.blob.rawValue else { return nil }
        guard let data else { throw BankError.corrupt("source \(id) has no image blob") }
        return data
    }

    /// Sources after `afterId` in id order, filtered by status, kind and category.
    public func sources(
        status: SourceStatus?, kinds: [SourceKind]?, categoryIds: [Int64]?, afterId: Int64, limit: Int
    ) async throws(BankError) -> [BankSource] {
        guard limit > 0, limit <= InstanceQuery.maximumLimit else {
            throw BankError.invalidArgument("limit \(limit) must be in 1…\(InstanceQuery.maximumLimit)")
        }
        var sql = PostgresSQL()
        var terms = ["id > \(sql.bind(afterId))"]
        if let status { terms.append("status = \(sql.bind(status.rawValue))") }
        if let kinds {
            guard !kinds.isEmpty else { return [] }
            terms.append("kind = ANY(\(sql.bind(kinds.map(\.rawValue))))")
        }
        if let categoryIds {
            guard !categoryIds.isEmpty else { return [] }
            terms.append("category_id = ANY(\(sql.bind(categoryIds)))")
        }
        let query = sql.query(
            "SELECT \(PostgresBankRows.sourceColumns) FROM source WHERE \(terms.joined(separator: " AND ")) ORDER BY id LIMIT \(limit)")
        var out: [BankSource] = []
        for row in try await rows(query) { out.append(try PostgresBankRows.source(row)) }
        return out
    }

    /// The instance with this id (metadata only).
    public func instance(id: Int64) async throws(BankError) -> BankInstance? {
        let query: PostgresQuery = """
            SELECT \(unescaped: PostgresBankRows.instanceColumns) FROM \(unescaped: PostgresBankRows.instanceTables) WHERE i.id = \(id)
            """
        guard let row = try await rows(query).first else { return nil }
        return try PostgresBankRows.instance(row)
    }

    /// One page of instances in a total order (sort key, then id), resumable by cursor.
    public func browse(_ query: InstanceQuery) async throws(BankError) -> InstancePage {
        guard (1...InstanceQuery.maximumLimit).contains(query.limit) else {
            throw BankError.invalidArgument("page size \(query.limit) is outside 1…\(InstanceQuery.maximumLimit)")
        }
        let cursor = try query.cursor.map { token throws(BankError) in
            try BrowseCursor(token: token, order: query.order, filter: query.filter)
        }
        var sql = PostgresSQL()
        let named = try await categoryNameIds(query.filter)
        guard let clause = PostgresInstanceSQL.whereClause(query.filter, namedCategories: named, &sql, prefix: "i.") else {
            return InstancePage(instances: [], nextCursor: nil)
        }
        let order = query.order
        let column = "i." + PostgresInstanceSQL.sortColumn(order.key)
        let direction = order.descending ? "DESC" : "ASC"
        var terms = clause.isEmpty ? [] : [clause]
        if let cursor {
            // Created-at is an integer column: bound as one, the comparison can use its index.
            let value = order.key == .createdAt ? sql.bind(Int64(cursor.s)) : sql.bind(cursor.s)
            terms.append("(\(column), i.id) \(order.descending ? "<" : ">") (\(value), \(sql.bind(cursor.i)))")
        }
        let whereSQL = terms.isEmpty ? "" : "WHERE " + terms.joined(separator: " AND ")
        let statement = sql.query("""
            SELECT \(PostgresBankRows.instanceColumns) FROM \(PostgresBankRows.instanceTables) \(whereSQL)
            ORDER BY \(column) \(direction), i.id \(direction) LIMIT \(query.limit + 1)
            """)
        let found = try await rows(statement)
        var instances: [BankInstance] = []
        for row in found.prefix(query.limit) { instances.append(try PostgresBankRows.instance(row)) }
        var next: String?
        if found.count > query.limit, let last = instances.last {
            let value = try PostgresBankRows.sortKey(found[query.limit - 1], order.key)
            next = BrowseCursor(order: order, value: value, id: last.id, filter: query.filter).token
        }
        return InstancePage(instances: instances, nextCursor: next)
    }

    /// How many instances match; category/status-only filters are answered from the kept counters.
    public func count(_ filter: InstanceFilter) async throws(BankError) -> Int {
        var sql = PostgresSQL()
        let named = try await categoryNameIds(filter)
        guard let clause = PostgresInstanceSQL.whereClause(filter, namedCategories: named, &sql) else { return 0 }
        var countable = filter
        countable.categoryIds = nil
        countable.categoryNamePrefix = nil
        countable.statuses = nil
        let whereSQL = clause.isEmpty ? "" : " WHERE " + clause
        let statement = countable == .all
            ? sql.query("SELECT coalesce(sum(n), 0)::bigint FROM category_count" + whereSQL)
            : sql.query("SELECT count(*) FROM instance" + whereSQL)
        guard let row = try await rows(statement).first else { return 0 }
        let n: Int64 = try PostgresBankRows.decode(row, Int64.self)
        return Int(n)
    }

    /// Instance counts by status for every category with instances, by category id.
    public func categoryCounts() async throws(BankError) -> [CategoryCounts] {
        var out: [CategoryCounts] = []
        for row in try await rows("""
            SELECT cc.category_id, c.name, cc.status, cc.n FROM category_count cc
            JOIN category c ON c.id = cc.category_id WHERE cc.n > 0 ORDER BY cc.category_id
            """) {
            let (id, name, status, n) = try PostgresBankRows.decode(row, (Int64, String, String, Int64).self)
            if out.last?.categoryId != id { out.append(CategoryCounts(categoryId: id, name: name)) }
            switch InstanceStatus(rawValue: status) {
            case .pending: out[out.count - 1].pending = Int(n)
            case .accepted: out[out.count - 1].accepted = Int(n)
            case .rejected: out[out.count - 1].rejected = Int(n)
            case nil: throw BankError.corrupt("unknown status in category counts")
            }
        }
        return out
    }

    /// Bank-wide totals. Blob totals are summed from the blob table (its rows are small: the bytes
    /// live out of line), since a single counter row would serialise every writer on every host.
    public func stats() async throws(BankError) -> BankStats {
        let logger = logger
        return try await transaction { connection in
            func one(_ query: PostgresQuery) async throws -> Int64 {
                for try await value in try await connection.query(query, logger: logger).decode(Int64.self) { return value }
                return 0
            }
            var meta = 0
            for try await value in try await connection.query("SELECT value FROM bank_meta WHERE key = 'schema_version'", logger: logger).decode(String.self) {
                meta = Int(value) ?? 0
            }
            var sources: [SourceKind: Int] = [:]
            for try await (kind, n) in try await connection.query("SELECT kind, count(*) FROM source GROUP BY kind", logger: logger).decode((String, Int64).self) {
                if let k = SourceKind(rawValue: kind) { sources[k] = Int(n) }
            }
            var instances: [InstanceStatus: Int] = [:]
            for try await (status, n) in try await connection.query(
                "SELECT status, sum(n)::bigint FROM category_count GROUP BY status", logger: logger).decode((String, Int64).self) {
                if let s = InstanceStatus(rawValue: status) { instances[s] = Int(n) }
            }
            var blobs: Int64 = 0, bytes: Int64 = 0
            for try await (n, size) in try await connection.query(
                "SELECT count(*), coalesce(sum(size), 0)::bigint FROM blob", logger: logger).decode((Int64, Int64).self) {
                (blobs, bytes) = (n, size)
            }
            return BankStats(
                schemaVersion: meta, categories: Int(try await one("SELECT count(*) FROM category")),
                categoriesWithAccepted: Int(try await one("SELECT count(*) FROM category_count WHERE status = 'accepted' AND n > 0")),
                sourcesByKind: sources, instancesByStatus: instances, blobs: Int(blobs), blobBytes: bytes,
                fileBytes: try await one("SELECT pg_database_size(current_database())"))
        }
    }

    /// Per category, the CLIP scores of the matching instances in `bins` equal bins over `range`.
    public func scoreHistograms(_ filter: InstanceFilter, bins: Int, range: ClosedRange<Double>) async throws(BankError) -> [ScoreHistogram] {
        guard (1...1000).contains(bins) else { throw .invalidArgument("bins must be in 1…1000, got \(bins)") }
        guard range.lowerBound.isFinite, range.upperBound.isFinite, range.upperBound > range.lowerBound else {
            throw .invalidArgument("the histogram range needs finite bounds with lower < upper")
        }
        let width = (range.upperBound - range.lowerBound) / Double(bins)
        var sql = PostgresSQL()
        let named = try await categoryNameIds(filter)
        let sentinel = sql.bind(PostgresInstanceSQL.missingKey / 10), top = sql.bind(Int64(bins - 1))
        let lower = sql.bind(range.lowerBound), step = sql.bind(width)
        guard let clause = PostgresInstanceSQL.whereClause(filter, namedCategories: named, &sql) else { return [] }
        let whereSQL = clause.isEmpty ? "" : "WHERE " + clause
        // floor() as SQLite's integer cast truncates: both only see values at or above the lower bound here.
        let statement = sql.query("""
            SELECT category_id, bin, count(*) FROM (
                SELECT category_id, CASE WHEN score_key < \(sentinel) THEN -1
                    ELSE greatest(0, least(\(top), trunc((score_key - \(lower)) / \(step))::bigint)) END AS bin
                FROM instance \(whereSQL)) binned
            GROUP BY category_id, bin ORDER BY category_id
            """)
        var out: [Int64: ScoreHistogram] = [:]
        for row in try await rows(statement) {
            let (category, bin, n) = try PostgresBankRows.decode(row, (Int64, Int64, Int64).self)
            var h = out[category] ?? ScoreHistogram(
                categoryId: category, lower: range.lowerBound, upper: range.upperBound, counts: Array(repeating: 0, count: bins), unscored: 0)
            if bin < 0 { h.unscored += Int(n) } else { h.counts[Int(bin)] += Int(n) }
            out[category] = h
        }
        return out.keys.sorted().map { out[$0]! }
    }

    /// The cutout PNG of an instance.
    public func cutout(of instanceId: Int64) async throws(BankError) -> InstanceCutout {
        guard let cutout = try await cutouts(of: [instanceId]).first else { throw BankError.unknownInstance(instanceId) }
        return cutout
    }

    /// The cutout PNGs of several instances, in the order asked, in one statement.
    public func cutouts(of instanceIds: [Int64]) async throws(BankError) -> [InstanceCutout] {
        guard !instanceIds.isEmpty else { return [] }
        let unique = Array(Set(instanceIds))
        var found: [Int64: InstanceCutout] = [:]
        for row in try await rows("""
            SELECT i.id, i.category_id, c.sha256, i.width, i.height, c.data
            FROM instance i JOIN blob c ON c.id = i.cutout_blob_id WHERE i.id = ANY(\(unique))
            """) {
            let (id, category, sha, width, height, data) = try PostgresBankRows.decode(row, (Int64, Int64, Data, Int32, Int32, Data).self)
            guard let digest = SHA256Digest(bytes: Array(sha)) else { throw BankError.corrupt("blob address of instance \(id)") }
            found[id] = InstanceCutout(instanceId: id, categoryId: category, sha256: digest, width: Int(width), height: Int(height), png: data)
        }
        var out: [InstanceCutout] = []
        out.reserveCapacity(instanceIds.count)
        for id in instanceIds {
            guard let cutout = found[id] else { throw BankError.unknownInstance(id) }
            out.append(cutout)
        }
        return out
    }

    /// Blob bytes by content address.
    public func blob(_ sha256: SHA256Digest) async throws(BankError) -> Data? {
        let sha = ByteBuffer(bytes: sha256.bytes)
        guard let row = try await rows("SELECT data FROM blob WHERE sha256 = \(sha)").first else { return nil }
        return try PostgresBankRows.decode(row, Data.self)
    }

    /// A snapshot of accepted instances per category (one ordered statement), for O(1) draws.
    public func makeSampler(_ mode: SamplingMode, categories: Set<Int64>?) async throws(BankError) -> InstanceSampler {
        var pools: [Int64: [Int64]] = [:]
        var frequencies: [Int64: CategoryFrequency] = [:]
        let wanted = categories.map { Array($0).sorted() }
        let query: PostgresQuery = wanted.map { ids in
            "SELECT i.category_id, i.id FROM instance i WHERE i.status = 'accepted' AND i.category_id = ANY(\(ids)) ORDER BY i.category_id, i.id"
        } ?? "SELECT i.category_id, i.id FROM instance i WHERE i.status = 'accepted' ORDER BY i.category_id, i.id"
        for row in try await rows(query) {
            let (category, id) = try PostgresBankRows.decode(row, (Int64, Int64).self)
            pools[category, default: []].append(id)
        }
        let ids = pools.keys.sorted()
        if !ids.isEmpty {
            for row in try await rows("SELECT id, frequency FROM category WHERE id = ANY(\(ids)) AND frequency IS NOT NULL") {
                let (id, raw) = try PostgresBankRows.decode(row, (Int64, String).self)
                if let f = CategoryFrequency(rawValue: raw) { frequencies[id] = f }
            }
        }
        let sampler = try InstanceSampler(pools: pools, frequencies: frequencies, mode: mode)
        logger.debug("sampler snapshot", metadata: ["categories": "\(sampler.categoryIds.count)", "instances": "\(sampler.instanceCount)"])
        return sampler
    }

    /// What PostgreSQL leaves to us to check: with `full`, every blob's hash and size and the kept
    /// per-category counters. (Page integrity is the server's; references are foreign keys.)
    public func verify(full: Bool) async throws(BankError) -> BankVerification {
        var corrupt: [SHA256Digest] = []
        var checked = 0
        var mismatches: [Int64] = []
        if full {
            // Page through the blobs by id so no statement holds every blob's bytes at once.
            var after: Int64 = 0
            while true {
                let page = try await rows("SELECT id, sha256, size, data FROM blob WHERE id > \(after) ORDER BY id LIMIT 256")
                guard !page.isEmpty else { break }
                for row in page {
                    let (id, sha, size, data) = try PostgresBankRows.decode(row, (Int64, Data, Int64, Data).self)
                    after = id
                    let digest = SHA256Digest(bytes: Array(sha))
                    if digest == nil || SHA256Digest(hashing: data) != digest || Int(size) != data.count {
                        corrupt.append(digest ?? SHA256Digest(bytes: Array(repeating: 0, count: 32))!)
                    }
                    checked += 1
                }
            }
            for row in try await rows("""
                SELECT DISTINCT coalesce(a.category_id, b.category_id) FROM
                    (SELECT category_id, status, count(*) AS n FROM instance GROUP BY category_id, status) a
                    FULL OUTER JOIN (SELECT category_id, status, n FROM category_count WHERE n != 0) b
                    ON a.category_id = b.category_id AND a.status = b.status
                WHERE a.n IS DISTINCT FROM b.n
                """) {
                mismatches.append(try PostgresBankRows.decode(row, Int64.self))
            }
        }
        return BankVerification(
            integrity: ["ok"], foreignKeyViolations: [], missingSourceFiles: [], corruptBlobs: corrupt,
            countMismatches: mismatches.sorted(), blobsChecked: checked)
    }

    func categoryNameIds(_ filter: InstanceFilter) async throws(BankError) -> [Int64]? {
        guard let prefix = filter.categoryNamePrefix else { return nil }
        var out: [Int64] = []
        for row in try await rows(PostgresInstanceSQL.categoriesNamed(prefix)) { out.append(try PostgresBankRows.decode(row, Int64.self)) }
        return out
    }
}
