import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Prometheus
import XPasteBank
import XPasteInference
import XPastePipeline

/// `/healthz`, `/readyz`, `/metrics`, `/openapi.yaml` and `/v1/models`.
struct SystemRoutes: Sendable {
    let bank: any InstanceBank
    let runner: JobRunner
    let catalog: PipelineCatalog
    let models: ModelsDirectory
    let runtime: RuntimeProvider
    let registry: PrometheusCollectorRegistry
    let openAPIFile: URL
    let queue: any WorkQueue

    func register(on router: Router<AppRequestContext>) {
        router.get("/healthz") { _, _ in try APIJSON.response(["status": "ok"]) }
        router.get("/readyz") { _, _ in try await ready() }
        router.get("/metrics") { _, _ in await metrics() }
        router.get("/openapi.yaml") { _, _ in
            guard let bytes = FileManager.default.contents(atPath: openAPIFile.path) else {
                throw ProblemError(.notFound, code: "openapi.missing", detail: "the API document is not at \(openAPIFile.path)")
            }
            return Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.get("/v1/models") { _, _ in try APIJSON.response(modelReport()) }
    }

    private func ready() async throws -> Response {
        var checks: [String: String] = [:]
        var ok = true
        do {
            _ = try await bank.category(id: 0)
            checks["bank"] = "ok"
        } catch {
            checks["bank"] = "\(error.code): \(error.description)"
            ok = false
        }
        checks["runner"] = runner.isAlive ? "alive" : "stopped"
        ok = ok && runner.isAlive
        guard ok else {
            throw ProblemError(.serviceUnavailable, code: "service.not_ready", detail: "not ready: bank \(checks["bank"]!), runner \(checks["runner"]!)",
                               extra: ["checks": .object(checks.mapValues { .string($0) })])
        }
        return try APIJSON.response(["status": "ready", "bank": checks["bank"]!, "runner": checks["runner"]!])
    }

    static var instancesGauge: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "xpaste", subsystem: "bank", metricName: "instances", unitName: "", helpText: "Instances in the bank by status") }
    static var sourcesGauge: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "xpaste", subsystem: "bank", metricName: "sources", unitName: "", helpText: "Source images in the bank") }
    static var fileBytesGauge: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "xpaste", subsystem: "bank", metricName: "file", unitName: "bytes", helpText: "Size of the bank file") }
    static var runningGauge: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "xpaste", subsystem: "jobs", metricName: "running", unitName: "", helpText: "Jobs running now") }

    static var queueItemsGauge: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "xpaste", subsystem: "queue", metricName: "items", unitName: "", helpText: "Work items in the queue by state") }
    static var liveWorkersGauge: MetricNameDescriptor { MetricNameDescriptor(
        namespace: "xpaste", subsystem: "workers", metricName: "live", unitName: "", helpText: "Workers that reported in the last minute and have not stopped") }

    private func metrics() async -> Response {
        if let counts = try? await queue.counts(jobId: nil) {
            for (state, n) in [("queued", counts.queued), ("leased", counts.leased), ("done", counts.done), ("failed", counts.failed)] {
                registry.makeGauge(descriptor: Self.queueItemsGauge, labels: [("state", state)]).set(Double(n))
            }
        }
        if let workers = try? await queue.workers(seenWithin: .seconds(60)) {
            registry.makeGauge(descriptor: Self.liveWorkersGauge).set(Double(workers.filter { $0.state != "stopped" }.count))
        }
        if let stats = try? await bank.stats() {
            for status in InstanceStatus.allCases {
                registry.makeGauge(descriptor: Self.instancesGauge, labels: [("status", status.rawValue)])
                    .set(Double(stats.instancesByStatus[status] ?? 0))
            }
            registry.makeGauge(descriptor: Self.sourcesGauge).set(Double(stats.sources))
            registry.makeGauge(descriptor: Self.fileBytesGauge).set(Double(stats.fileBytes))
        }
        registry.makeGauge(descriptor: Self.runningGauge).set(Double(runner.runningJobs.count))
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }

    struct ModelResource: Encodable {
        var name: String
        var family: String?
        var installed: Bool
        var problem: String?
        var inCatalog: Bool
        var summary: String?
    }

    struct PipelineNeeds: Encodable {
        var pipeline: String
        var models: [Need]
        struct Need: Encodable {
            var name: String
            var stage: String
            var installed: Bool
            var remedy: String?
        }
    }

    struct ModelsReport: Encodable {
        var folder: String
        var installed: [ModelResource]
        var catalog: [ModelResource]
        var providers: [String]
        var runtime: String?
        var pipelines: [PipelineNeeds]
    }

    private func modelReport() throws -> ModelsReport {
        let entries = models.list()
        let installed = entries.map {
            ModelResource(name: $0.name, family: $0.manifest?.family.rawValue, installed: $0.problem == nil, problem: $0.problem,
                          inCatalog: ModelCatalog.entries[$0.name] != nil, summary: ModelCatalog.entries[$0.name]?.summary)
        }
        let names = Set(entries.filter { $0.problem == nil }.map(\.name))
        let catalogList = ModelCatalog.entries.keys.sorted().map { name in
            ModelResource(name: name, family: ModelCatalog.entries[name]!.manifest.family.rawValue, installed: names.contains(name), problem: nil,
                          inCatalog: true, summary: ModelCatalog.entries[name]!.summary)
        }
        var providers: [String] = []
        var runtimeNote: String?
        do {
            providers = try runtime.environment().runtime.availableProviders()
        } catch {
            runtimeNote = "\(error.code): \(error.description)"
        }
        var needs: [PipelineNeeds] = []
        for name in catalog.pipelines.keys.sorted() {
            guard let spec = catalog.pipelines[name] else { continue }
            var plans: [(id: String, plan: StagePlan)] = []
            for stage in spec.stages where stage.enabled {
                if let plan = try? StagePlan.make(stage.stage, parameters: .object(stage.with), path: "") { plans.append((stage.id, plan)) }
            }
            let required = ModelRequirements.requirements(plans)
            let missing = ModelRequirements.missing(required, in: models)
            needs.append(PipelineNeeds(pipeline: name, models: required.map { r in
                let m = missing.first { $0.name == r.name }
                return .init(name: r.name, stage: r.stage, installed: m == nil, remedy: m?.remedy)
            }))
        }
        return ModelsReport(folder: models.root.path, installed: installed, catalog: catalogList, providers: providers, runtime: runtimeNote, pipelines: needs)
    }
}
