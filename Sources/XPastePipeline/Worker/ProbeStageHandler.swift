import Foundation
import Logging
import XPasteBank

/// The `probe` stage: each item waits a fixed time and reports which worker ran it. It stands in
/// for a model stage when measuring a deployment — `xpaste queue probe` queues a batch of them to
/// check that workers are reachable, how throughput grows with workers, and that every item is
/// done exactly once — and with a latency of 0 it measures the queue alone.
public struct ProbeStageHandler: WorkItemHandler {
    /// The payload of one probe item.
    public struct Payload: Codable, Sendable, Hashable {
        /// How long the item takes, in milliseconds (0…60000).
        public var latencyMs: Int
        /// The item's number within its job.
        public var index: Int

        /// A payload.
        public init(latencyMs: Int, index: Int) {
            self.latencyMs = latencyMs
            self.index = index
        }
    }

    /// The stage name.
    public static let stageName = "probe"
    public var stage: String { Self.stageName }
    /// The worker running it, recorded in each result.
    public let workerId: String

    /// A handler for the worker `workerId`.
    public init(workerId: String) {
        self.workerId = workerId
    }

    public func perform(_ item: WorkItem, logger: Logger) async throws -> Data? {
        let payload: Payload
        do {
            payload = try JSONDecoder().decode(Payload.self, from: item.payload)
        } catch {
            throw WorkItemFailure("probe item \(item.id): the payload is not a probe payload: \(error)", retryable: false)
        }
        guard (0...60_000).contains(payload.latencyMs) else {
            throw WorkItemFailure("probe item \(item.id): latencyMs must be in 0…60000", retryable: false)
        }
        if payload.latencyMs > 0 { try await Task.sleep(for: .milliseconds(payload.latencyMs)) }
        return Data("{\"index\":\(payload.index),\"worker\":\"\(workerId)\"}".utf8)
    }
}
