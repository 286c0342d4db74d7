import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Synchronization
import XPasteBank
import XPasteInference
import XPasteLVIS
import XPastePipeline

/// The whole service assembled: storage (SQLite files or PostgreSQL), pipelines, runner, HTTP
/// application and the periodic checkpoint, as services of one `ServiceGroup`. `main` and the tests build it the same
/// way; tests pass port 0.
public struct XPasteService: Sendable {
    /// How it was configured.
    public let configuration: ServerConfiguration
    /// The bank.
    public let bank: any InstanceBank
    /// The job ledger.
    public let ledger: any JobLedger
    /// The work queue workers report to.
    public let queue: any WorkQueue
    /// The job runner.
    public let runner: JobRunner
    /// The installed pipelines.
    public let catalog: PipelineCatalog
    /// The token mutating requests need (the configured one, or one made for this data folder).
    public let token: String
    /// The Prometheus registry `/metrics` serves.
    public let registry: PrometheusCollectorRegistry
    /// Where the service logs.
    public let logger: Logger
    private let storage: ServiceStorage

    /// Opens everything the service needs, refusing a configuration that would be unsafe (a
    /// non-loopback bind without a token) or broken (an unreadable pipeline file).
    public init(configuration: ServerConfiguration, logger: Logger) async throws {
        if !configuration.bindsLoopbackOnly && configuration.token == nil {
            throw ServiceError.unsafeBind(configuration.host)
        }
        self.configuration = configuration
        self.logger = logger
        let fm = FileManager.default
        try fm.createDirectory(at: configuration.dataFolder, withIntermediateDirectories: true)
        storage = try await ServiceStorage.open(configuration, logger: logger)
        bank = storage.bank
        ledger = storage.ledger
        queue = storage.queue
        if let list = configuration.lvisCategories, try await bank.categories().allSatisfy(\.isUserDefined) {
            let vocabulary = try LVISVocabulary(contentsOf: list)
            let summary = try await LVISCategoryLinker(vocabulary: vocabulary).link(bank)
            logger.notice("loaded the LVIS vocabulary into the bank", metadata: [
                "categories": "\(vocabulary.count)", "linked": "\(summary.linked.count)"])
        }
        catalog = try PipelineCatalog(folder: configuration.pipelinesFolder)
        token = try configuration.token ?? Self.localToken(in: configuration.dataFolder)
        registry = Self.metricsRegistry
        let models = ModelsDirectory(root: configuration.modelsFolder)
        let roots = configuration.allowedPaths.isEmpty ? [configuration.dataFolder] : configuration.allowedPaths
        let paths = PathPolicy(roots: roots, base: configuration.dataFolder)
        let environment = PipelineEnvironment(
            bank: bank, models: models, dataFolder: configuration.dataFolder, paths: paths, sessionOptions: configuration.sessionOptions,
            logger: logger)
        let planner = JobPlanner(catalog: catalog, models: models, paths: paths, bank: bank, workerStages: Set(configuration.dispatchStages))
        let queue = queue
        let stages = JobRunner.builtInStages.map { local -> any PipelineStageRunner in
            configuration.dispatchStages.contains(local.kind) ? DispatchedStageRunner(kind: local.kind, queue: queue) : local
        }
        if !configuration.dispatchStages.isEmpty {
            logger.notice("stages run on workers", metadata: ["stages": "\(configuration.dispatchStages.map(\.rawValue).joined(separator: ","))"])
        }
        runner = JobRunner(
            store: JobStore(ledger: ledger), environment: environment, planner: planner,
            maxConcurrentJobs: configuration.concurrentJobs, stages: stages, logger: logger)
    }

    /// Failures that stop the service from starting.
    public enum ServiceError: Error, CustomStringConvertible {
        /// Binding to a non-loopback address needs `--token`.
        case unsafeBind(String)

        public var description: String {
            switch self {
            case .unsafeBind(let host):
                "refusing to listen on \(host) without a token: anyone who can reach it could change the bank. "
                    + "Give --token (or XPASTE_TOKEN), or bind to 127.0.0.1"
            }
        }
    }

    /// One registry per process: swift-metrics can be bootstrapped once.
    static let metricsRegistry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// The token of a data folder (`<data>/token`, mode 0600), made on first start.
    static func localToken(in folder: URL) throws -> String {
        let url = folder.appendingPathComponent("token")
        if let text = try? String(contentsOf: url, encoding: .utf8) {
            let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if token.count >= 16 { return token }
        }
        var generator = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        guard FileManager.default.createFile(atPath: url.path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw BankError.io("cannot write \(url.path)")
        }
        return token
    }

    /// The router with every route and middleware.
    public func router() -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: MetricsMiddleware())
        if let origin = configuration.corsOrigin {
            router.add(middleware: CORSMiddleware(
                allowOrigin: .custom(origin), allowHeaders: [.accept, .authorization, .contentType, HTTPField.Name("Idempotency-Key")!, HTTPField.Name("Last-Event-ID")!],
                allowMethods: [.get, .head, .post, .patch, .options]))
        }
        router.add(middleware: BearerAuthMiddleware(token: token, protectReads: configuration.token != nil))
        let limits = configuration.limits
        JobRoutes(runner: runner, catalog: catalog, limits: limits, heartbeat: .seconds(15)).register(on: router)
        BankRoutes(bank: bank, limits: limits).register(on: router)
        SourceRoutes(bank: bank, spool: configuration.uploadsFolder, limits: limits).register(on: router)
        DatasetRoutes(
            runner: runner, catalog: catalog, datasets: runner.environment.datasetsFolder,
            scratch: configuration.dataFolder.appendingPathComponent("scratch", isDirectory: true), bank: bank, limits: limits, logger: logger
        ).register(on: router)
        WorkerRoutes(queue: queue).register(on: router)
        SystemRoutes(
            bank: bank, runner: runner, catalog: catalog, models: runner.environment.models, runtime: runner.environment.runtime,
            registry: registry, openAPIFile: configuration.openAPIFile, queue: queue
        ).register(on: router)
        // The web page: static files, reached only by paths no API route matched.
        router.add(middleware: FileMiddleware(configuration.webFolder.path, searchForIndexHtml: true, logger: logger))
        return router
    }

    /// The HTTP application, with the runner and the checkpoint service as its services (the
    /// runner is shut down after the server, so requests in flight finish first; PostgreSQL's
    /// pools, first in the list, last of all).
    public func application(onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }) -> some ApplicationProtocol {
        var app = Application(
            responder: HeadResponder(base: router().buildResponder()),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "xpaste"),
            onServerRunning: onServerRunning, logger: logger)
        if let pools = storage.pools { app.addServices(pools) }
        if !storage.checkpoints.isEmpty { app.addServices(CheckpointService(targets: storage.checkpoints, logger: logger)) }
        app.addServices(runner, EventStreamCloser(notifier: runner.store.notifier))
        return app
    }
}

/// Ends every open event stream when shutdown begins (it is the last service, so it is asked to
/// stop first): an SSE response that waited for news would otherwise hold the server open.
struct EventStreamCloser: Service {
    let notifier: JobNotifier

    func run() async throws {
        try? await gracefulShutdown()
        notifier.close()
    }
}
