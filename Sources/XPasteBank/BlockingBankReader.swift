import Foundation

/// Synchronous reads of a bank, for engines that run on threads of their own and read as they go
/// (the compositor's render threads). The SQLite bank answers on the calling thread; any other
/// driver is waited for through `BlockingBridge`, so never use this from the cooperative pool
/// with a network bank.
public struct BlockingBankReader: Sendable {
    /// The bank read.
    public let bank: any InstanceBank
    private let sqlite: SQLiteBank?

    /// A reader of `bank`.
    public init(_ bank: any InstanceBank) {
        self.bank = bank
        sqlite = bank as? SQLiteBank
    }

    /// `InstanceBank.categories()`.
    public func categories() throws(BankError) -> [BankCategory] {
        if let sqlite { return try sqlite.categories() }
        let bank = bank
        return try BlockingBridge.wait { () async throws(BankError) in try await bank.categories() }
    }

    /// `InstanceBank.browse(_:)`.
    public func browse(_ query: InstanceQuery) throws(BankError) -> InstancePage {
        if let sqlite { return try sqlite.browse(query) }
        let bank = bank
        return try BlockingBridge.wait { () async throws(BankError) in try await bank.browse(query) }
    }

    /// `InstanceBank.cutout(of:)`.
    public func cutout(of instanceId: Int64) throws(BankError) -> InstanceCutout {
        if let sqlite { return try sqlite.cutout(of: instanceId) }
        let bank = bank
        return try BlockingBridge.wait { () async throws(BankError) in try await bank.cutout(of: instanceId) }
    }

    /// `InstanceBank.stats()`.
    public func stats() throws(BankError) -> BankStats {
        if let sqlite { return try sqlite.stats() }
        let bank = bank
        return try BlockingBridge.wait { () async throws(BankError) in try await bank.stats() }
    }

    /// `InstanceBank.sources(status:kinds:categoryIds:afterId:limit:)`.
    public func sources(
        status: SourceStatus?, kinds: [SourceKind]?, categoryIds: [Int64]?, afterId: Int64, limit: Int
    ) throws(BankError) -> [BankSource] {
        if let sqlite { return try sqlite.sources(status: status, kinds: kinds, categoryIds: categoryIds, afterId: afterId, limit: limit) }
        let bank = bank
        return try BlockingBridge.wait { () async throws(BankError) in
            try await bank.sources(status: status, kinds: kinds, categoryIds: categoryIds, afterId: afterId, limit: limit)
        }
    }

    /// `InstanceBank.sourceImage(id:)`.
    public func sourceImage(id: Int64) throws(BankError) -> Data? {
        if let sqlite { return try sqlite.sourceImage(id: id) }
        let bank = bank
        return try BlockingBridge.wait { () async throws(BankError) in try await bank.sourceImage(id: id) }
    }
}
