import Foundation
import HummingbirdTesting
import Logging
import Testing
import XPasteBank
import XPastePipeline
import XPasteServer

/// `/v1/workers` and `/v1/queue` over the service's own work queue, with a real worker running on it.
@Suite("Worker routes", .serialized)
struct WorkerRouteTests {
    @Test func listsTheWorkersAndCountsTheItemsTheyFinished() async throws {
        let f = try await ServerFixture()
        let queue = f.service.queue
        let worker = try WorkerService(
            queue: queue, handlers: [ProbeStageHandler(workerId: "gpu-7")],
            configuration: WorkerConfiguration(id: "gpu-7", host: "gpu-host", stages: ["probe"], devices: ["cuda:0"], concurrency: 2, idleWait: .milliseconds(200)),
            logger: Logger(label: "test.worker"))
        let running = Task { try await worker.run() }
        defer { worker.stop() }
        let items = try (0..<20).map { i in
            NewWorkItem(id: "route-\(i)", jobId: "route-job", stage: "probe", payload: try JSONEncoder().encode(ProbeStageHandler.Payload(latencyMs: 5, index: i)))
        }
        _ = try await queue.enqueue(items)
        for _ in 0..<400 where try await queue.counts(jobId: "route-job").done < 20 { try await Task.sleep(for: .milliseconds(25)) }
        try await f.test { client in
            try await client.execute(uri: "/v1/workers", method: .get) { (r: TestResponse) throws in
                #expect(r.status == .ok)
                let workers = try #require(try json(r)["workers"] as? [[String: Any]])
                #expect(workers.count == 1)
                let w = try #require(workers.first)
                #expect(w["id"] as? String == "gpu-7" && w["host"] as? String == "gpu-host")
                #expect(w["devices"] as? [String] == ["cuda:0"] && w["stages"] as? [String] == ["probe"] && w["concurrency"] as? Int == 2)
                #expect(w["state"] as? String == "running")
                #expect(w["last_seen"] is String && w["items_per_second"] is Double)
            }
            try await client.execute(uri: "/v1/queue?job=route-job", method: .get) { (r: TestResponse) throws in
                let body = try json(r)
                #expect(body["done"] as? Int == 20 && body["queued"] as? Int == 0 && body["total"] as? Int == 20)
            }
            try await client.execute(uri: "/v1/queue?job=nothing", method: .get) { (r: TestResponse) throws in
                #expect(try json(r)["total"] as? Int == 0)
            }
            try await client.execute(uri: "/v1/workers?seen_within=-1", method: .get) { (r: TestResponse) throws in
                #expect(r.status == .unprocessableContent)
                #expect(try problemCode(r) == "request.invalid_parameter")
            }
            try await client.execute(uri: "/v1/workers?seen_within=soon", method: .get) { (r: TestResponse) throws in
                #expect(r.status == .unprocessableContent)
            }
        }
        worker.stop()
        try await running.value
        #expect(worker.totals.done == 20)
        // The stop is reported too.
        let reports = try await queue.workers(seenWithin: .seconds(60))
        #expect(reports.map(\.state) == ["stopped"])
        #expect(reports.first?.itemsDone == 20)
    }
}
