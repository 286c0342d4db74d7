import Foundation
import GRDB
import XPasteImage

/// SQL for instance filters, browse pages and instance rows: one place that knows the columns.
enum InstanceSQL {
    /// A WHERE clause body and its arguments.
    struct Clause {
        var sql: String
        var arguments: StatementArguments
    }

    /// The WHERE clause of `filter`, with columns prefixed by `prefix` (`"i."` in joins); empty sql
    /// when the filter matches everything; nil when it can match nothing (an empty list, a name
    /// prefix no category has).
    ///
    /// `categoriesUnindexed` writes the category term as `+category_id IN (…)`, which keeps SQLite
    /// from driving the query by category (see `SQLiteBank.browseStatement`).
    static func whereClause(
        _ filter: InstanceFilter, _ db: Database, prefix: String = "", categoriesUnindexed: Bool = false
    ) throws -> Clause? {
        var terms: [String] = []
        var arguments = StatementArguments()

        func list<T: DatabaseValueConvertible>(_ column: String, _ values: [T], unindexed: Bool = false) -> Bool {
            guard !values.isEmpty else { return false }
            let lhs = (unindexed ? "+" : "") + prefix + column
            if values.count == 1 {
                terms.append("\(lhs) = ?")
            } else {
                terms.append("\(lhs) IN (\(Array(repeating: "?", count: values.count).joined(separator: ",")))")
            }
            arguments += StatementArguments(values)
            return true
        }

        if let categories = try categoryIds(filter, db), !list("category_id", categories, unindexed: categoriesUnindexed) {
            return nil
        }
        if let statuses = filter.statuses, !list("status", Array(Set(statuses.map(\.rawValue))).sorted()) { return nil }
        if let kinds = filter.sourceKinds, !list("source_kind", Array(Set(kinds.map(\.rawValue))).sorted()) { return nil }
        if let segmenters = filter.segmenters, !list("segmenter", Array(Set(segmenters)).sorted()) { return nil }
        if let job = filter.jobId {
            terms.append("\(prefix)job_id = ?")
            arguments += [job]
        }
        if let source = filter.sourceId {
            terms.append("\(prefix)source_id = ?")
            arguments += [source]
        }
        // Ranges go on the sort-key columns (NULL stored as a sentinel far below any value), so they
        // can bound an index range; the lower bound is lifted above the sentinel to keep NULLs out.
        if let range = filter.clipScore {
            terms.append("\(prefix)score_key BETWEEN ? AND ?")
            arguments += [max(range.lowerBound, BankSchema.missingKey / 10), range.upperBound]
        }
        if let range = filter.areaRatio {
            terms.append("\(prefix)area_key BETWEEN ? AND ?")
            arguments += [max(range.lowerBound, BankSchema.missingKey / 10), range.upperBound]
        }
        return Clause(sql: terms.joined(separator: " AND "), arguments: arguments)
    }

    /// The category ids a filter names (ids and name prefix intersected), sorted; nil when it does
    /// not restrict categories.
    static func categoryIds(_ filter: InstanceFilter, _ db: Database) throws -> [Int64]? {
        var categories = filter.categoryIds.map { Array(Set($0)).sorted() }
        if let namePrefix = filter.categoryNamePrefix {
            let pattern = namePrefix.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            let named = try Int64.fetchAll(db, sql: "SELECT id FROM category WHERE name LIKE ? ESCAPE '\\' ORDER BY id", arguments: [pattern])
            categories = categories.map { ids in ids.filter(Set(named).contains) } ?? named
        }
        return categories
    }

    /// The stored column an order sorts on.
    static func sortColumn(_ key: InstanceOrder.Key) -> String {
        switch key {
        case .clipScore: "score_key"
        case .createdAt: "created_at"
        case .areaRatio: "area_key"
        }
    }

    /// Columns `instance(from:)` reads, in its order.
    static let columns = """
        i.id, i.source_id, i.category_id, i.source_kind, i.job_id, i.segmenter, c.sha256, c.size, t.sha256, i.width,
        i.height, i.box_x, i.box_y, i.box_width, i.box_height, i.area_ratio, i.clip_score, i.status, i.reason,
        i.decided_by, i.decided_at, i.created_at, i.score_key, i.area_key
        """

    /// The join `columns` read from.
    static let tables = "instance i JOIN blob c ON c.id = i.cutout_blob_id LEFT JOIN blob t ON t.id = i.thumbnail_blob_id"

    /// Index of the sort key column of `key` in `columns`.
    static func sortKeyIndex(_ key: InstanceOrder.Key) -> Int {
        switch key {
        case .clipScore: 22
        case .createdAt: 21
        case .areaRatio: 23
        }
    }

    static func instance(from row: Row) throws -> BankInstance {
        func digest(_ index: Int) throws -> SHA256Digest? {
            guard let data: Data = row[index] else { return nil }
            guard let d = SHA256Digest(bytes: Array(data)) else { throw BankError.corrupt("blob address of \(data.count) bytes") }
            return d
        }
        func parse<E: RawRepresentable<String>>(_ type: E.Type, _ index: Int) throws -> E {
            let raw: String = row[index]
            guard let value = E(rawValue: raw) else { throw BankError.corrupt("unknown \(E.self) \"\(raw)\"") }
            return value
        }
        let box: PixelBox? = {
            guard let x: Int = row[11], let y: Int = row[12], let w: Int = row[13], let h: Int = row[14] else { return nil }
            return PixelBox(x: x, y: y, width: w, height: h)
        }()
        guard let cutout = try digest(6) else { throw BankError.corrupt("instance without cutout blob") }
        let decidedBy: String? = row[19]
        let decidedAt: Int64? = row[20]
        return BankInstance(
            id: row[0], sourceId: row[1], categoryId: row[2], sourceKind: try parse(SourceKind.self, 3), jobId: row[4],
            segmenter: row[5], cutoutSHA256: cutout, cutoutBytes: row[7], thumbnailSHA256: try digest(8), width: row[9],
            height: row[10], box: box, areaRatio: row[15], clipScore: row[16], status: try parse(InstanceStatus.self, 17),
            reason: row[18], decidedBy: try decidedBy.map { raw in
                guard let d = Decider(rawValue: raw) else { throw BankError.corrupt("unknown decider \"\(raw)\"") }
                return d
            },
            decidedAt: decidedAt.map(BankTime.date), createdAt: BankTime.date(row[21]))
    }
}
