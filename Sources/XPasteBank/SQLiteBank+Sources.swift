import Foundation
import GRDB

extension SQLiteBank {
    /// Sources after `afterId` in id order (a rowid range scan), filtered by status, kind and
    /// category; see `InstanceBank.sources(status:kinds:categoryIds:afterId:limit:)`.
    public func sources(
        status: SourceStatus?, kinds: [SourceKind]?, categoryIds: [Int64]?, afterId: Int64, limit: Int
    ) throws(BankError) -> [BankSource] {
        guard limit > 0, limit <= InstanceQuery.maximumLimit else {
            throw BankError.invalidArgument("limit \(limit) must be in 1…\(InstanceQuery.maximumLimit)")
        }
        var clauses = ["id > ?"]
        var arguments: [(any DatabaseValueConvertible)?] = [afterId]
        if let status {
            clauses.append("status = ?")
            arguments.append(status.rawValue)
        }
        if let kinds {
            guard !kinds.isEmpty else { return [] }
            clauses.append("kind IN (\(Array(repeating: "?", count: kinds.count).joined(separator: ",")))")
            arguments += kinds.map(\.rawValue)
        }
        if let categoryIds {
            guard !categoryIds.isEmpty else { return [] }
            guard categoryIds.count <= SQLiteBankWriter.chunk else {
                throw BankError.invalidArgument("at most \(SQLiteBankWriter.chunk) categories per query, got \(categoryIds.count)")
            }
            clauses.append("category_id IN (\(Array(repeating: "?", count: categoryIds.count).joined(separator: ",")))")
            arguments += categoryIds
        }
        let sql = "SELECT \(SQLiteBankRows.sourceColumns) FROM source WHERE \(clauses.joined(separator: " AND ")) ORDER BY id LIMIT \(limit)"
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(SQLiteBankRows.source(from:))
        }
    }
}
