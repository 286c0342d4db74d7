import Foundation
import GRDB

extension SQLiteBank {
    /// Every category, by id.
    public func categories() throws(BankError) -> [BankCategory] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(SQLiteBankRows.categoryColumns) FROM category ORDER BY id")
                .map(SQLiteBankRows.category(from:))
        }
    }

    /// The category with this id.
    public func category(id: Int64) throws(BankError) -> BankCategory? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(SQLiteBankRows.categoryColumns) FROM category WHERE id = ?", arguments: [id])
                .map(SQLiteBankRows.category(from:))
        }
    }

    /// The category with this name, normalised name or synonym.
    public func category(named name: String) throws(BankError) -> BankCategory? {
        try read { db in try SQLiteBankRows.category(named: name, db) }
    }

    /// The source with this id.
    public func source(id: Int64) throws(BankError) -> BankSource? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(SQLiteBankRows.sourceColumns) FROM source WHERE id = ?", arguments: [id])
                .map(SQLiteBankRows.source(from:))
        }
    }

    /// The kept bytes of a source image (nil when only its hash was recorded); a missing or altered
    /// kept file throws `BankError.missingSourceFile` and is logged.
    public func sourceImage(id: Int64) throws(BankError) -> Data? {
        let found = try read { db -> (SourceStorage, SHA256Digest, Data?)? in
            guard let row = try Row.fetchOne(
                db,
                sql: "SELECT s.storage, s.sha256, b.data FROM source s LEFT JOIN blob b ON b.id = s.image_blob_id WHERE s.id = ?",
                arguments: [id])
            else { return nil }
            let shaData: Data = row[1]
            guard let storage = SourceStorage(rawValue: row[0]), let sha = SHA256Digest(bytes: Array(shaData)) else {
                throw BankError.corrupt("source \(id) has an unreadable storage record")
            }
            return (storage, sha, row[2])
        }
        guard let (storage, sha, data) = found else { throw BankError.unknownSource(id) }
        switch storage {
        case .none: return nil
        case .blob: return data
        case .file:
            do {
                return try files.read(sha)
            } catch {
                logger.warning("kept source file is missing", metadata: ["source": "\(id)", "error": "\(error)"])
                throw error
            }
        }
    }

    /// The instance with this id (metadata only).
    public func instance(id: Int64) throws(BankError) -> BankInstance? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(InstanceSQL.columns) FROM \(InstanceSQL.tables) WHERE i.id = ?", arguments: [id])
                .map(InstanceSQL.instance(from:))
        }
    }

    /// One page of instances in a total order (sort key, then id), resumable by cursor.
    public func browse(_ query: InstanceQuery) throws(BankError) -> InstancePage {
        guard (1...InstanceQuery.maximumLimit).contains(query.limit) else {
            throw BankError.invalidArgument("page size \(query.limit) is outside 1…\(InstanceQuery.maximumLimit)")
        }
        let cursor = try query.cursor.map { token throws(BankError) in
            try BrowseCursor(token: token, order: query.order, filter: query.filter)
        }
        return try read { db in
            guard let (sql, arguments) = try Self.browseStatement(query, cursor: cursor, db) else {
                return InstancePage(instances: [], nextCursor: nil)
            }
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            let kept = rows.prefix(query.limit)
            let instances = try kept.map(InstanceSQL.instance(from:))
            var next: String?
            if rows.count > query.limit, let last = kept.last {
                let value: Double = last[InstanceSQL.sortKeyIndex(query.order.key)]
                next = BrowseCursor(order: query.order, value: value, id: last[0], filter: query.filter).token
            }
            return InstancePage(instances: instances, nextCursor: next)
        }
    }

    /// The SELECT of one browse page (one row more than the page, to know whether another follows);
    /// nil when the filter matches nothing.
    static func browseStatement(
        _ query: InstanceQuery, cursor: BrowseCursor?, _ db: Database
    ) throws -> (String, StatementArguments)? {
        let plan = try categoryPlan(query, db)
        guard let clause = try InstanceSQL.whereClause(
            query.filter, db, prefix: "i.", categoriesUnindexed: plan == .walkSortIndex)
        else { return nil }
        let order = query.order
        let column = "i." + InstanceSQL.sortColumn(order.key)
        let direction = order.descending ? "DESC" : "ASC"
        var terms = clause.sql.isEmpty ? [] : [clause.sql]
        var arguments = clause.arguments
        if let cursor {
            terms.append("(\(column), i.id) \(order.descending ? "<" : ">") (?, ?)")
            arguments += [cursor.s, cursor.i]
        }
        arguments += [query.limit + 1]
        let whereSQL = terms.isEmpty ? "" : "WHERE " + terms.joined(separator: " AND ")
        let orderSQL = "ORDER BY \(column) \(direction), i.id \(direction)"
        let sql: String
        if plan == .byCategory {
            // Pick the page's ids from the category index alone (it holds category, status, sort key
            // and id), sorting only those small entries; then read the full rows of just that page.
            let index = "instance_browse_category_status_\(InstanceSQL.sortColumn(order.key))"
            sql = """
                SELECT \(InstanceSQL.columns) FROM \(InstanceSQL.tables)
                WHERE i.id IN (SELECT i.id FROM instance i INDEXED BY \(index) \(whereSQL) \(orderSQL) LIMIT ?)
                \(orderSQL)
                """
        } else {
            sql = "SELECT \(InstanceSQL.columns) FROM \(InstanceSQL.tables) \(whereSQL) \(orderSQL) LIMIT ?"
        }
        return (sql, arguments)
    }

    /// How a browse over several categories is driven.
    enum CategoryPlan {
        /// One category or none: SQLite's own choice is right (an index matches filter and order).
        case sqliteChooses
        /// Many matching rows: walk the sort index and skip other categories.
        case walkSortIndex
        /// Few matching rows: read them through the category index and sort them.
        case byCategory
    }

    /// With several categories SQLite (which keeps no statistics here) must guess between reading
    /// every matching row by category and sorting them (cost ~ selected rows), and walking the
    /// sort index skipping other categories (cost ~ `limit × total / selected` entries); a wrong
    /// guess costs seconds on a large bank. The kept per-category counts say which is cheaper.
    static func categoryPlan(_ query: InstanceQuery, _ db: Database) throws -> CategoryPlan {
        guard let categories = try InstanceSQL.categoryIds(query.filter, db), categories.count > 1 else { return .sqliteChooses }
        let statuses = (query.filter.statuses ?? InstanceStatus.allCases).map(\.rawValue)
        let statusMarks = Array(repeating: "?", count: statuses.count).joined(separator: ",")
        let total = try Int.fetchOne(
            db, sql: "SELECT ifnull(sum(n), 0) FROM category_count WHERE status IN (\(statusMarks))",
            arguments: StatementArguments(statuses)) ?? 0
        let categoryMarks = Array(repeating: "?", count: categories.count).joined(separator: ",")
        let selected = try Int.fetchOne(
            db,
            sql: "SELECT ifnull(sum(n), 0) FROM category_count WHERE status IN (\(statusMarks)) AND category_id IN (\(categoryMarks))",
            arguments: StatementArguments(statuses) + StatementArguments(categories)) ?? 0
        let walk = Double(query.limit + 1) * Double(total) / Double(max(selected, 1))
        return selected > 2_000 && walk < Double(selected) ? .walkSortIndex : .byCategory
    }

    /// SQLite's plan for a browse page, one line per step: lets tests prove the indices serve the
    /// browse shapes without a sort.
    func browsePlan(_ query: InstanceQuery) throws(BankError) -> [String] {
        let cursor = try query.cursor.map { token throws(BankError) in
            try BrowseCursor(token: token, order: query.order, filter: query.filter)
        }
        return try read { db in
            guard let (sql, arguments) = try Self.browseStatement(query, cursor: cursor, db) else { return [] }
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
        }
    }

    /// How many instances match; category/status-only filters are answered from the kept counters.
    public func count(_ filter: InstanceFilter) throws(BankError) -> Int {
        try read { db in
            guard let clause = try InstanceSQL.whereClause(filter, db) else { return 0 }
            // Category and status alone are answered from the kept counters, not by counting rows.
            var countable = filter
            countable.categoryIds = nil
            countable.categoryNamePrefix = nil
            countable.statuses = nil
            if countable == .all {
                let sql = "SELECT ifnull(sum(n), 0) FROM category_count" + (clause.sql.isEmpty ? "" : " WHERE " + clause.sql)
                return try Int.fetchOne(db, sql: sql, arguments: clause.arguments) ?? 0
            }
            let sql = "SELECT count(*) FROM instance" + (clause.sql.isEmpty ? "" : " WHERE " + clause.sql)
            return try Int.fetchOne(db, sql: sql, arguments: clause.arguments) ?? 0
        }
    }

    /// Instance counts by status for every category with instances, by category id.
    public func categoryCounts() throws(BankError) -> [CategoryCounts] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT cc.category_id, c.name, cc.status, cc.n FROM category_count cc
                JOIN category c ON c.id = cc.category_id WHERE cc.n > 0 ORDER BY cc.category_id
                """)
            var out: [CategoryCounts] = []
            for row in rows {
                let id: Int64 = row[0]
                if out.last?.categoryId != id { out.append(CategoryCounts(categoryId: id, name: row[1])) }
                let n: Int = row[3]
                switch InstanceStatus(rawValue: row[2]) {
                case .pending: out[out.count - 1].pending = n
                case .accepted: out[out.count - 1].accepted = n
                case .rejected: out[out.count - 1].rejected = n
                case nil: throw BankError.corrupt("unknown status in category counts")
                }
            }
            return out
        }
    }

    /// Bank-wide totals from kept counters and file sizes.
    public func stats() throws(BankError) -> BankStats {
        var stats = try read { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            let categories = try Int.fetchOne(db, sql: "SELECT count(*) FROM category") ?? 0
            let withAccepted = try Int.fetchOne(db, sql: "SELECT count(*) FROM category_count WHERE status = 'accepted' AND n > 0") ?? 0
            var sources: [SourceKind: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT kind, count(*) FROM source GROUP BY kind") {
                if let kind = SourceKind(rawValue: row[0]) { sources[kind] = row[1] }
            }
            var instances: [InstanceStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, sum(n) FROM category_count GROUP BY status") {
                if let status = InstanceStatus(rawValue: row[0]) { instances[status] = row[1] }
            }
            let totals = try Row.fetchOne(db, sql: "SELECT blobs, bytes FROM blob_total WHERE id = 1")
            return BankStats(
                schemaVersion: version, categories: categories, categoriesWithAccepted: withAccepted, sourcesByKind: sources,
                instancesByStatus: instances, blobs: totals?[0] ?? 0, blobBytes: totals?[1] ?? 0, fileBytes: 0)
        }
        let fm = FileManager.default
        for path in [url.path, url.path + "-wal"] {
            if let size = (try? fm.attributesOfItem(atPath: path))?[.size] as? Int64 { stats.fileBytes += size }
        }
        return stats
    }

    /// The cutout PNG of an instance.
    public func cutout(of instanceId: Int64) throws(BankError) -> InstanceCutout {
        guard let cutout = try cutouts(of: [instanceId]).first else { throw BankError.unknownInstance(instanceId) }
        return cutout
    }

    /// The cutout PNGs of several instances, in the order asked, in one read transaction.
    public func cutouts(of instanceIds: [Int64]) throws(BankError) -> [InstanceCutout] {
        try read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT i.category_id, c.sha256, i.width, i.height, c.data
                FROM instance i JOIN blob c ON c.id = i.cutout_blob_id WHERE i.id = ?
                """)
            return try instanceIds.map { id in
                guard let row = try Row.fetchOne(statement, arguments: [id]) else { throw BankError.unknownInstance(id) }
                let shaData: Data = row[1]
                guard let sha = SHA256Digest(bytes: Array(shaData)) else { throw BankError.corrupt("blob address of instance \(id)") }
                return InstanceCutout(instanceId: id, categoryId: row[0], sha256: sha, width: row[2], height: row[3], png: row[4])
            }
        }
    }

    /// Blob bytes by content address.
    public func blob(_ sha256: SHA256Digest) throws(BankError) -> Data? {
        try read { db in try Data.fetchOne(db, sql: "SELECT data FROM blob WHERE sha256 = ?", arguments: [sha256.data]) }
    }

    /// A snapshot of accepted instances per category (one indexed query per category), for O(1) draws.
    public func makeSampler(_ mode: SamplingMode, categories: Set<Int64>?) throws(BankError) -> InstanceSampler {
        let (pools, frequencies) = try read { db in
            var ids = try Int64.fetchAll(db, sql: "SELECT category_id FROM category_count WHERE status = 'accepted' AND n > 0")
            if let categories { ids = ids.filter(categories.contains) }
            let members = try db.cachedStatement(sql: "SELECT id FROM instance WHERE category_id = ? AND status = 'accepted'")
            let frequency = try db.cachedStatement(sql: "SELECT frequency FROM category WHERE id = ?")
            var pools: [Int64: [Int64]] = [:]
            var frequencies: [Int64: CategoryFrequency] = [:]
            for id in ids {
                pools[id] = try Int64.fetchAll(members, arguments: [id])
                if let raw = try String.fetchOne(frequency, arguments: [id]), let f = CategoryFrequency(rawValue: raw) {
                    frequencies[id] = f
                }
            }
            return (pools, frequencies)
        }
        let sampler = try InstanceSampler(pools: pools, frequencies: frequencies, mode: mode)
        logger.debug("sampler snapshot", metadata: ["categories": "\(sampler.categoryIds.count)", "instances": "\(sampler.instanceCount)"])
        return sampler
    }

    /// Integrity check, foreign keys and kept source files; with `full` also every blob's hash and
    /// the kept counters.
    public func verify(full: Bool) throws(BankError) -> BankVerification {
        let result = try read { db in
            let integrity = try String.fetchAll(db, sql: full ? "PRAGMA integrity_check" : "PRAGMA quick_check")
            let foreign = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { "\($0)" }
            var corrupt: [SHA256Digest] = []
            var checked = 0
            if full {
                let rows = try Row.fetchCursor(db, sql: "SELECT sha256, size, data FROM blob")
                while let row = try rows.next() {
                    let shaData: Data = row[0]
                    let data: Data = row[2]
                    let size: Int = row[1]
                    let sha = SHA256Digest(bytes: Array(shaData))
                    if sha == nil || SHA256Digest(hashing: data) != sha || size != data.count {
                        corrupt.append(sha ?? SHA256Digest(unchecked: Array(repeating: 0, count: 32)))
                    }
                    checked += 1
                }
            }
            var mismatches: [Int64] = []
            if full {
                let rows = try Row.fetchAll(db, sql: """
                    SELECT coalesce(a.category_id, b.category_id) FROM
                        (SELECT category_id, status, count(*) AS n FROM instance GROUP BY category_id, status) a
                        FULL OUTER JOIN (SELECT category_id, status, n FROM category_count WHERE n != 0) b
                        ON a.category_id = b.category_id AND a.status = b.status
                    WHERE a.n IS NOT b.n
                    """)
                mismatches = Array(Set(rows.map { $0[0] as Int64 })).sorted()
            }
            let kept = try Data.fetchAll(db, sql: "SELECT sha256 FROM source WHERE storage = 'file'")
            return (integrity, foreign, corrupt, checked, mismatches, kept)
        }
        let missing = result.5.compactMap { data -> String? in
            guard let sha = SHA256Digest(bytes: Array(data)) else { return "unreadable hash" }
            return files.check(sha, rehash: full) ? nil : files.url(for: sha).path
        }
        if !missing.isEmpty { logger.warning("kept source files missing", metadata: ["count": "\(missing.count)"]) }
        return BankVerification(
            integrity: result.0, foreignKeyViolations: result.1, missingSourceFiles: missing, corruptBlobs: result.2,
            countMismatches: result.4, blobsChecked: result.3)
    }
}
