import Foundation

/// Runs `work(i)` for i in 0..<count on `jobs` threads of its own and hands the results to
/// `consume` on the calling thread strictly in index order.
///
/// At most `window` results are produced ahead of the consumer, so memory is bounded by the
/// window (the shard), not by `count`. Work runs on dedicated threads rather than the cooperative
/// pool because it is CPU-heavy and calls blocking C code (codecs, file writes). The first error,
/// from a worker or from `consume`, stops the run: workers finish the item they hold and no new
/// one is started, then the error is rethrown.
enum OrderedParallelRunner {
    static func run<Result: Sendable>(
        count: Int, jobs: Int, window: Int,
        work: @escaping @Sendable (Int) throws -> Result,
        consume: (Int, Result) throws -> Void
    ) throws {
        guard count > 0 else { return }
        let state = RunnerState<Result>(window: max(window, jobs, 1))
        let threads = (0..<max(1, min(jobs, count))).map { k in
            let t = Thread { state.workLoop(count: count, work: work) }
            t.name = "xpaste-composite-\(k)"
            t.stackSize = 8 << 20
            return t
        }
        for t in threads { t.start() }
        var consumerError: (any Error)?
        for i in 0..<count {
            guard let result = state.take(i) else { break }
            do {
                try consume(i, result)
            } catch {
                consumerError = error
                break
            }
            state.consumed(i)
        }
        if let consumerError { state.fail(consumerError) }
        state.waitForWorkers(threads.count)
        if let error = state.error { throw error }
    }
}

/// Shared state of one run, guarded by one condition variable.
private final class RunnerState<Result: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private let window: Int
    private var nextClaim = 0
    private var nextConsume = 0
    private var ready: [Int: Result] = [:]
    private var finishedWorkers = 0
    private(set) var error: (any Error)?

    init(window: Int) { self.window = window }

    func workLoop(count: Int, work: (Int) throws -> Result) {
        while true {
            condition.lock()
            while error == nil, nextClaim < count, nextClaim - nextConsume >= window { condition.wait() }
            guard error == nil, nextClaim < count else {
                finishedWorkers += 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let i = nextClaim
            nextClaim += 1
            condition.unlock()
            let outcome = Swift.Result { try work(i) }
            condition.lock()
            switch outcome {
            case .success(let r): ready[i] = r
            case .failure(let e): if error == nil { error = e }
            }
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Waits for result `i`; nil when the run failed first.
    func take(_ i: Int) -> Result? {
        condition.lock()
        defer { condition.unlock() }
        while error == nil, ready[i] == nil { condition.wait() }
        guard error == nil else { return nil }
        return ready.removeValue(forKey: i)
    }

    func consumed(_ i: Int) {
        condition.lock()
        nextConsume = i + 1
        condition.broadcast()
        condition.unlock()
    }

    func fail(_ e: any Error) {
        condition.lock()
        if error == nil { error = e }
        condition.broadcast()
        condition.unlock()
    }

    func waitForWorkers(_ n: Int) {
        condition.lock()
        while finishedWorkers < n { condition.wait() }
        condition.unlock()
    }
}
