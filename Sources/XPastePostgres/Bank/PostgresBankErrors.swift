import PostgresNIO
import XPasteBank

/// Turns what postgres-nio throws inside bank calls into `BankError`: a server that cannot be
/// reached or is going away is `unavailable` (callers retry), a full disk is `io`, a refused
/// constraint or value is `invalidArgument`, anything else `database` with the server's message
/// and SQLSTATE. Errors the bank's own code threw pass through unchanged.
enum PostgresBankErrors {
    static func map(_ error: any Error) -> BankError {
        if let error = error as? BankError { return error }
        if let error = error as? PostgresTransactionError {
            return map(error.closureError ?? error.rollbackError ?? error.commitError ?? error.beginError ?? error)
        }
        if let error = error as? PSQLError {
            return switch PostgresFailure.classify(error) {
            case .unavailable(let m): .unavailable(m)
            case .diskFull(let m): .io("the database server's disk is full: \(m)")
            case .rejected(let m): .invalidArgument(m)
            case .other(let m): .database(m)
            }
        }
        if error is CancellationError { return .unavailable("cancelled") }
        return .database("\(error)")
    }

    /// For a write transaction: the body's own errors come out as the body threw them (as from the
    /// SQLite bank), the database's mapped.
    static func fromTransaction(_ error: any Error) -> any Error {
        if let error = error as? PostgresTransactionError, let thrown = error.closureError {
            return fromTransaction(thrown)
        }
        if error is PSQLError || error is PostgresTransactionError { return map(error) }
        return error
    }
}

/// Bounds a bank call in time: postgres-nio's pool waits about a minute on a server that refuses
/// connections, and a caller starting up should hear sooner.
enum PostgresBankCall {
    static func deadline<T: Sendable>(
        _ what: String, limit: Duration, _ operation: @escaping @Sendable () async throws(BankError) -> T
    ) async throws(BankError) -> T {
        let outcome: Result<T, BankError>
        do {
            outcome = try await QueueCallDeadline.run(what, limit: limit) { () async -> Result<T, BankError> in
                do throws(BankError) {
                    return .success(try await operation())
                } catch {
                    return .failure(error)
                }
            }
        } catch {
            // Only the deadline itself throws here.
            throw .unavailable("\(what) did not answer within \(limit)")
        }
        return try outcome.get()
    }
}
