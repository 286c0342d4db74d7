/// Failures of the instance bank.
public enum BankError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file is not an xpaste bank (a foreign or corrupt SQLite file, or not SQLite at all).
    case notABank(String)

    /// Stable machine-readable code.
    public var code: String {
        switch self {
        case .notABank: "bank.not_a_bank"
        }
    }

    /// Human-readable explanation.
    public var description: String {
        switch self {
        case .notABank(let m): "not an xpaste bank: \(m)"
        }
    }
}
