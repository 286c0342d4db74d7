import GRDB

/// Turns whatever GRDB or Foundation threw into the bank's typed error, so callers see one error
/// type with stable codes.
enum BankErrorMapping {
    static func map(_ error: any Error) -> BankError {
        if let error = error as? BankError { return error }
        if let error = error as? DatabaseError {
            let message = error.message ?? "\(error)"
            switch error.resultCode.primaryResultCode {
            case .SQLITE_CORRUPT: return .corrupt(message)
            case .SQLITE_NOTADB: return .notSQLite(message)
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(message)
            case .SQLITE_CANTOPEN, .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_READONLY, .SQLITE_PERM: return .io(message)
            default: return .database(message)
            }
        }
        return .database("\(error)")
    }

    /// Runs `body`, mapping anything it throws.
    static func run<T>(_ body: () throws -> T) throws(BankError) -> T {
        do {
            return try body()
        } catch {
            throw map(error)
        }
    }
}
