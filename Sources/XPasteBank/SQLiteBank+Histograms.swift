import GRDB

extension SQLiteBank {
    /// One grouped query over the filter's rows: bin index from the score column, clamped into
    /// range, counted per category; unscored rows (the NULL sentinel) counted apart.
    public func scoreHistograms(_ filter: InstanceFilter, bins: Int, range: ClosedRange<Double>) throws(BankError) -> [ScoreHistogram] {
        guard (1...1000).contains(bins) else { throw .invalidArgument("bins must be in 1…1000, got \(bins)") }
        guard range.lowerBound.isFinite, range.upperBound.isFinite, range.upperBound > range.lowerBound else {
            throw .invalidArgument("the histogram range needs finite bounds with lower < upper")
        }
        let width = (range.upperBound - range.lowerBound) / Double(bins)
        return try read { db in
            guard let clause = try InstanceSQL.whereClause(filter, db) else { return [] }
            let whereSQL = clause.sql.isEmpty ? "" : "WHERE " + clause.sql
            let sentinel = BankSchema.missingKey / 10
            let sql = """
                SELECT category_id,
                       CASE WHEN score_key < ? THEN -1
                            ELSE max(0, min(?, CAST((score_key - ?) / ? AS INTEGER))) END AS bin,
                       count(*)
                FROM instance \(whereSQL)
                GROUP BY category_id, bin ORDER BY category_id
                """
            var arguments: StatementArguments = [sentinel, bins - 1, range.lowerBound, width]
            arguments += clause.arguments
            var out: [Int64: ScoreHistogram] = [:]
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                let category: Int64 = row[0], bin: Int = row[1], n: Int = row[2]
                var h = out[category] ?? ScoreHistogram(
                    categoryId: category, lower: range.lowerBound, upper: range.upperBound, counts: Array(repeating: 0, count: bins), unscored: 0)
                if bin < 0 { h.unscored += n } else { h.counts[bin] += n }
                out[category] = h
            }
            return out.keys.sorted().map { out[$0]! }
        }
    }
}
