import Foundation

/// Timestamps are stored as integer milliseconds since 1970: exact, sortable, and the same in
/// SQLite and PostgreSQL.
enum BankTime {
    static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    static func now() -> Int64 { millis(Date()) }

    static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }
}
