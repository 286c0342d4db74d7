import PostgresNIO
import XPasteBank

/// SQL for instance filters in PostgreSQL: the same terms as the SQLite bank's, on the same sort
/// key columns, with lists as `= ANY(array)` so one statement serves any list length.
enum PostgresInstanceSQL {
    /// Missing scores and areas sort as this sentinel, far below any value (as in SQLite).
    static let missingKey: Double = -1e300

    /// The WHERE clause body of `filter` (columns prefixed by `prefix`); empty when it matches
    /// everything; nil when it can match nothing. `namedCategories` are the ids the filter's
    /// category name prefix resolved to (nil when it has none).
    static func whereClause(
        _ filter: InstanceFilter, namedCategories: [Int64]?, _ sql: inout PostgresSQL, prefix: String = ""
    ) -> String? {
        var terms: [String] = []
        var categories = filter.categoryIds.map { Array(Set($0)).sorted() }
        if let named = namedCategories {
            categories = categories.map { ids in ids.filter(Set(named).contains) } ?? named
        }
        if let categories {
            guard !categories.isEmpty else { return nil }
            terms.append(categories.count == 1 ? "\(prefix)category_id = \(sql.bind(categories[0]))" : "\(prefix)category_id = ANY(\(sql.bind(categories)))")
        }
        func list(_ column: String, _ values: [String]?) -> Bool {
            guard let values else { return true }
            let unique = Array(Set(values)).sorted()
            guard !unique.isEmpty else { return false }
            terms.append(unique.count == 1 ? "\(prefix)\(column) = \(sql.bind(unique[0]))" : "\(prefix)\(column) = ANY(\(sql.bind(unique)))")
            return true
        }
        guard list("status", filter.statuses?.map(\.rawValue)),
              list("source_kind", filter.sourceKinds?.map(\.rawValue)),
              list("segmenter", filter.segmenters)
        else { return nil }
        if let job = filter.jobId { terms.append("\(prefix)job_id = \(sql.bind(job))") }
        if let source = filter.sourceId { terms.append("\(prefix)source_id = \(sql.bind(source))") }
        // The lower bound is lifted above the sentinel, which keeps unscored rows out.
        if let range = filter.clipScore {
            terms.append("\(prefix)score_key BETWEEN \(sql.bind(max(range.lowerBound, missingKey / 10))) AND \(sql.bind(range.upperBound))")
        }
        if let range = filter.areaRatio {
            terms.append("\(prefix)area_key BETWEEN \(sql.bind(max(range.lowerBound, missingKey / 10))) AND \(sql.bind(range.upperBound))")
        }
        return terms.joined(separator: " AND ")
    }

    /// Ids of the categories whose names start with `prefix` (without regard to case, as SQLite's
    /// LIKE compares ASCII letters).
    static func categoriesNamed(_ prefix: String) -> PostgresQuery {
        let pattern = prefix.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        return "SELECT id FROM category WHERE name ILIKE \(pattern) ESCAPE '\\' ORDER BY id"
    }

    /// The stored column an order sorts on.
    static func sortColumn(_ key: InstanceOrder.Key) -> String {
        switch key {
        case .clipScore: "score_key"
        case .createdAt: "created_at"
        case .areaRatio: "area_key"
        }
    }
}
