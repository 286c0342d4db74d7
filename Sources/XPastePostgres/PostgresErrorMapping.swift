import PostgresNIO
import XPasteBank

/// What a postgres-nio failure means to a caller, shared by the queue's and the bank's error
/// mappings: the server cannot be reached or is going away (retry), its disk is full, it refused
/// a value or constraint, or anything else, with the server's message and SQLSTATE.
enum PostgresFailure {
    case unavailable(String)
    case diskFull(String)
    case rejected(String)
    case other(String)

    static func classify(_ error: PSQLError) -> PostgresFailure {
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = "\(error.serverInfo?[.message] ?? "\(error)") (SQLSTATE \(state))"
            // 08 connection exceptions, 57P01–57P03 shutdown and start-up, 53 out of resources
            // (53100 a full disk), 40001/40P01 serialisation failures and deadlocks.
            if state == "53100" { return .diskFull(message) }
            if state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53") || state == "40001" || state == "40P01" {
                return .unavailable(message)
            }
            if state.hasPrefix("23") || state.hasPrefix("22") { return .rejected(message) }
            return .other(message)
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return .unavailable("\(error.code)\(error.underlying.map { ": \($0)" } ?? "")")
        case .poolClosed:
            return .unavailable("the connection pool is closed")
        default:
            return .other(String(reflecting: error))
        }
    }
}

/// Turns what postgres-nio throws into the queue's typed errors: anything that says the server
/// cannot be reached or is going away becomes `unavailable` (callers retry), the rest `database`.
enum PostgresErrorMapping {
    static func map(_ error: any Error) -> WorkQueueError {
        if let error = error as? WorkQueueError { return error }
        if let error = error as? PostgresTransactionError {
            return map(error.closureError ?? error.rollbackError ?? error.commitError ?? error.beginError ?? error)
        }
        guard let error = error as? PSQLError else { return .unavailable("\(error)") }
        return switch PostgresFailure.classify(error) {
        case .unavailable(let m), .diskFull(let m): .unavailable(m)
        case .rejected(let m), .other(let m): .database(m)
        }
    }
}
