import Foundation

/// Timestamps are stored as integer milliseconds since 1970: exact, sortable, and the same in
/// SQLite and PostgreSQL.
public enum BankTime {
    /// Milliseconds since 1970 of `date`, rounded.
    public static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// Now, in milliseconds since 1970.
    public static func now() -> Int64 { millis(Date()) }

    /// The date of a stored time stamp.
    public static func date(_ millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }
}
