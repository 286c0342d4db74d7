import PostgresNIO
import XPasteBank

/// Turns what postgres-nio throws into the queue's typed errors: anything that says the server
/// cannot be reached or is going away becomes `unavailable` (callers retry), the rest `database`
/// with the server's message and SQLSTATE.
enum PostgresErrorMapping {
    static func map(_ error: any Error) -> WorkQueueError {
        if let error = error as? WorkQueueError { return error }
        if let error = error as? PostgresTransactionError {
            return map(error.closureError ?? error.rollbackError ?? error.commitError ?? error.beginError ?? error)
        }
        if let error = error as? PSQLError {
            switch error.code {
            case .server:
                let state = error.serverInfo?[.sqlState] ?? ""
                let message = error.serverInfo?[.message] ?? "\(error)"
                // 08 connection exceptions, 57P01–57P03 shutdown and start-up, 53 out of resources,
                // 40001/40P01 serialisation failures and deadlocks: all worth a retry.
                if state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53") || state == "40001" || state == "40P01" {
                    return .unavailable("\(message) (SQLSTATE \(state))")
                }
                return .database("\(message) (SQLSTATE \(state))")
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
                return .unavailable("\(error.code)\(error.underlying.map { ": \($0)" } ?? "")")
            case .poolClosed:
                return .unavailable("the connection pool is closed")
            default:
                return .database("\(String(reflecting: error))")
            }
        }
        return .unavailable("\(error)")
    }
}
