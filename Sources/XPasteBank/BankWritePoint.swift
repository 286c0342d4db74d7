/// Places inside a write where tests inject failures, to prove a transaction leaves nothing behind
/// when it stops half way.
enum BankWritePoint: Sendable, Hashable {
    /// The cutout (and thumbnail) blobs are written, the instance row is not yet.
    case instanceBlobsWritten
    /// The source's bytes are written (blob or file), the source row is not yet.
    case sourceBytesWritten
}

/// The hook a test gives `SQLiteBank` to fail at a `BankWritePoint`.
typealias BankFaultInjector = @Sendable (BankWritePoint) throws -> Void
