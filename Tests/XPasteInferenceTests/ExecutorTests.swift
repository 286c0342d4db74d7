import Foundation
import Testing
import XPasteInference

@Suite("Bounded inference executor")
struct ExecutorTests {
    @Test func concurrentRunsOnOneSharedSessionMatchSerialRuns() async throws {
        let session = try InferenceSession(
            modelPath: Fixtures.model("mlp_external.onnx"), environment: Fixtures.environment(), logger: Fixtures.quiet)
        let executor = InferenceExecutor(maxConcurrentRuns: 2)
        let inputs = try (0..<12).map { i in
            ["x": try Tensor(floats: Fixtures.floats(3 * 16, seed: UInt64(i), in: -1...1), shape: [3, 16])]
        }
        let serial = try inputs.map { try session.run($0) }
        let parallel = try await withThrowingTaskGroup(of: (Int, [String: Tensor]).self) { group in
            for (i, feed) in inputs.enumerated() {
                group.addTask { (i, try await session.run(feed, on: executor)) }
            }
            var out = [[String: Tensor]](repeating: [:], count: inputs.count)
            for try await (i, r) in group { out[i] = r }
            return out
        }
        #expect(parallel == serial)
    }

    @Test func neverRunsMoreThanItsBound() async throws {
        let executor = InferenceExecutor(maxConcurrentRuns: 2)
        let gauge = Gauge()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    try await executor.perform { () throws(InferenceError) in
                        gauge.enter()
                        // Hold the slot until a second body is inside (or 5 s pass), so the
                        // peak does not depend on how a loaded machine schedules threads.
                        gauge.waitForCompany(deadline: Date().addingTimeInterval(5))
                        gauge.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(gauge.peak == 2)
        #expect(executor.maxConcurrentRuns == 2)
    }

    @Test func errorsAndCancellationAreTyped() async throws {
        let executor = InferenceExecutor()
        await #expect(throws: InferenceError.invalidInput("boom")) {
            try await executor.perform { () throws(InferenceError) -> Int in throw .invalidInput("boom") }
        }
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await executor.perform { () throws(InferenceError) -> Int in 1 }
        }
        await #expect(throws: InferenceError.cancelled) { try await task.value }
    }
}

/// Counts how many bodies run at once and remembers the most.
final class Gauge: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private(set) var peak = 0

    func enter() {
        lock.lock()
        current += 1
        peak = max(peak, current)
        lock.unlock()
    }

    func leave() {
        lock.lock()
        current -= 1
        lock.unlock()
    }

    /// Blocks until at least two bodies have been inside at once, or the deadline passes.
    func waitForCompany(deadline: Date) {
        while Date() < deadline {
            lock.lock()
            let reached = peak >= 2
            lock.unlock()
            if reached { return }
            Thread.sleep(forTimeInterval: 0.001)
        }
    }
}
