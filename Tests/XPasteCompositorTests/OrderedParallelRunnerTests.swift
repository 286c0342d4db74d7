import Foundation
import Testing
@testable import XPasteCompositor

@Suite struct OrderedParallelRunnerTests {
    struct Boom: Error, Equatable { let at: Int }

    @Test(arguments: [1, 2, 4])
    func resultsArriveInIndexOrder(jobs: Int) throws {
        var seen: [Int] = []
        try OrderedParallelRunner.run(count: 200, jobs: jobs, window: 8, work: { i in
            // Uneven work so that later items often finish first.
            if i % 7 == 0 { Thread.sleep(forTimeInterval: 0.001) }
            return i * i
        }, consume: { i, r in
            #expect(r == i * i)
            seen.append(i)
        })
        #expect(seen == Array(0..<200))
    }

    @Test func workersNeverRunAheadOfTheWindow() throws {
        let started = Counter()
        try OrderedParallelRunner.run(count: 100, jobs: 4, window: 5, work: { i in
            started.record(i)
            return i
        }, consume: { i, _ in
            Thread.sleep(forTimeInterval: 0.0005)
            // Items claimed so far are below consumed + window.
            #expect(started.maximum < i + 5)
        })
    }

    @Test func workerErrorStopsTheRun() {
        var consumed = 0
        #expect(throws: Boom(at: 13)) {
            try OrderedParallelRunner.run(count: 1000, jobs: 2, window: 4, work: { i in
                if i == 13 { throw Boom(at: 13) }
                return i
            }, consume: { _, _ in consumed += 1 })
        }
        #expect(consumed <= 13)
    }

    @Test func consumerErrorStopsTheRun() {
        let started = Counter()
        #expect(throws: Boom(at: 3)) {
            try OrderedParallelRunner.run(count: 1000, jobs: 2, window: 4, work: { i in
                started.record(i)
                return i
            }, consume: { i, _ in if i == 3 { throw Boom(at: 3) } })
        }
        #expect(started.maximum < 3 + 4 + 2)
    }
}

/// Thread-safe maximum of recorded values.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = -1
    func record(_ v: Int) { lock.lock(); value = max(value, v); lock.unlock() }
    var maximum: Int { lock.lock(); defer { lock.unlock() }; return value }
}
