import Foundation

/// One job as the job ledger stores it: its identity, the fields the ledger queries by, and the
/// job's own document (JSON written by the pipeline layer, opaque here).
public struct LedgerJob: Sendable, Hashable {
    /// The job id (chosen by the pipeline layer; unique).
    public var id: String
    /// The client's `Idempotency-Key`, unique among jobs when set.
    public var idempotencyKey: String?
    /// The job's state name (`queued`, `running`, …), kept in a column so listing by state is cheap.
    public var state: String
    /// When the job was submitted.
    public var createdAt: Date
    /// When the job document last changed.
    public var updatedAt: Date
    /// The job document.
    public var document: Data

    /// A job row.
    public init(id: String, idempotencyKey: String?, state: String, createdAt: Date, updatedAt: Date, document: Data) {
        self.id = id
        self.idempotencyKey = idempotencyKey
        self.state = state
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.document = document
    }
}
