import Foundation

/// A dictionary behind a lock, for the caches that tasks share (tokenizer words, prompt
/// embeddings). Optionally bounded: when full, it is emptied rather than tracking recency, which
/// keeps lookups cheap and is enough for caches whose working set is far below the limit.
final class LockedDictionary<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    // @unchecked: `storage` is only touched with `lock` held.
    private let lock = NSLock()
    private var storage: [Key: Value] = [:]
    private let limit: Int

    init(limit: Int = .max) {
        self.limit = limit
    }

    subscript(key: Key) -> Value? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return storage[key]
        }
        set {
            lock.lock()
            defer { lock.unlock() }
            if newValue != nil && storage.count >= limit && storage[key] == nil { storage.removeAll(keepingCapacity: true) }
            storage[key] = newValue
        }
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return storage.count
    }
}
