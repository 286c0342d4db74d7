import Foundation
import Synchronization
import XPasteBank

/// Category names by id for instance pages, kept in memory: a page of 100 instances spans up to
/// 100 categories, and looking each up costs more than the page query itself. A miss reloads the
/// whole table (one query); entries older than `lifetime` are reloaded too, so a rename made by
/// another process (`xpaste bank link-lvis`) shows within a minute.
final class CategoryNames: Sendable {
    private struct State {
        var names: [Int64: String] = [:]
        var loadedAt = Date.distantPast
    }

    private let bank: any InstanceBank
    private let lifetime: TimeInterval
    private let state = Mutex(State())

    init(bank: any InstanceBank, lifetime: TimeInterval = 60) {
        self.bank = bank
        self.lifetime = lifetime
    }

    /// The names of `ids` (absent for ids the bank does not hold).
    func names(of ids: some Sequence<Int64>) async throws(BankError) -> [Int64: String] {
        let wanted = Set(ids)
        let (cached, fresh) = state.withLock { s in (s.names, Date().timeIntervalSince(s.loadedAt) < lifetime) }
        if fresh, wanted.allSatisfy({ cached[$0] != nil }) {
            return cached.filter { wanted.contains($0.key) }
        }
        var loaded: [Int64: String] = [:]
        for c in try await bank.categories() { loaded[c.id] = c.name }
        state.withLock { s in
            s.names = loaded
            s.loadedAt = Date()
        }
        return loaded.filter { wanted.contains($0.key) }
    }

    /// Forgets everything (a route that renamed or added categories calls this).
    func invalidate() {
        state.withLock { $0.loadedAt = .distantPast }
    }
}
