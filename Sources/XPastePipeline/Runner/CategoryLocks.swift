/// Keeps two jobs from working the same category in the same bank stage at once (both would page
/// through the same pending sources). A job waits until every category it needs is free; jobs on
/// different categories never wait for each other.
public actor CategoryLocks {
    private var held: Set<Int64> = []
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// No category held.
    public init() {}

    /// Waits until none of `ids` is held, then holds them all.
    public func acquire(_ ids: Set<Int64>) async {
        while !held.isDisjoint(with: ids) {
            await withCheckedContinuation { waiters.append($0) }
        }
        held.formUnion(ids)
    }

    /// Frees `ids` and lets waiters check again.
    public func release(_ ids: Set<Int64>) {
        held.subtract(ids)
        let woken = waiters
        waiters.removeAll()
        for w in woken { w.resume() }
    }
}
