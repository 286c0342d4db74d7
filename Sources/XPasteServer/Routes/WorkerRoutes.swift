import Foundation
import Hummingbird
import XPasteBank

/// `/v1/workers` and `/v1/queue`: the workers that reported to the service's work queue, and the
/// queue's item counts.
struct WorkerRoutes: Sendable {
    let queue: any WorkQueue

    /// A worker as the API shows it.
    struct WorkerResource: Encodable {
        let id: String
        let host: String
        let pid: Int
        let stages: [String]
        let devices: [String]
        let concurrency: Int
        let startedAt: Date
        let lastSeen: Date
        let itemsDone: Int
        let itemsFailed: Int
        let itemsPerSecond: Double
        let state: String

        init(_ r: WorkerReport) {
            (id, host, pid, stages, devices, concurrency) = (r.id, r.host, r.pid, r.stages, r.devices, r.concurrency)
            (startedAt, lastSeen, itemsDone, itemsFailed, itemsPerSecond, state) = (r.startedAt, r.lastSeen, r.itemsDone, r.itemsFailed, r.itemsPerSecond, r.state)
        }
    }

    struct WorkerList: Encodable {
        let workers: [WorkerResource]
    }

    struct QueueCounts: Encodable {
        let queued: Int
        let leased: Int
        let done: Int
        let failed: Int
        let total: Int
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("/v1/workers") { request, _ in
            let seconds = try QueryReader(request).double("seen_within") ?? 60
            guard seconds > 0, seconds <= 86_400 else {
                throw ProblemError(.unprocessableContent, code: "request.invalid_parameter", detail: "seen_within must be in (0, 86400] seconds",
                                   extra: ["field": .string("seen_within")])
            }
            let workers = try await queue.workers(seenWithin: .milliseconds(Int64(seconds * 1000)))
            return try APIJSON.response(WorkerList(workers: workers.map(WorkerResource.init)))
        }
        router.get("/v1/queue") { request, _ in
            let job = QueryReader(request).string("job")
            let c = try await queue.counts(jobId: job)
            return try APIJSON.response(QueueCounts(queued: c.queued, leased: c.leased, done: c.done, failed: c.failed, total: c.total))
        }
    }
}
