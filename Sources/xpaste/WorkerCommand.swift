import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import XPasteBank
import XPasteInference
import XPastePipeline

/// `xpaste worker`: pulls work items from the shared queue and runs them, one process per GPU.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run work items from the shared queue (one worker per GPU).",
        discussion: """
            Claims batches of items of the given stages under a lease, renews the lease with heartbeats, \
            and commits each result with the item's done mark, so an item is done exactly once even when a \
            worker dies mid-item (its lease expires and another worker takes it). Idle workers sleep until \
            PostgreSQL's LISTEN/NOTIFY wakes them. SIGTERM or SIGINT stops claiming, gives back items not \
            started and finishes running ones. Workers report themselves (host, devices, stages, items/s); \
            `xpaste queue status` and GET /v1/workers list them.
            Stages: generate, extract, filter and composite, which `xpaste serve --dispatch` queues (one item per \
            category, one per dataset), run against the bank in the same database with this worker's models and \
            device, and write datasets into the server's data folder (shared storage across hosts); and probe (a \
            fixed per-item delay standing in for a GPU stage; `xpaste queue probe` measures a deployment with it).
            """
    )

    @OptionGroup var queueDatabase: QueueDatabaseOption

    @Option(help: "Comma-separated stages this worker takes.")
    var stages = ProbeStageHandler.stageName

    @Option(help: "Execution provider for models: cpu, cuda[:N] or tensorrt[:N]. With CUDA_VISIBLE_DEVICES=N per worker, use cuda:0.")
    var provider = "cpu"

    @Option(help: "Models folder for the pipeline stages (default: $XPASTE_MODELS, else ./models).")
    var models: String?

    @Option(help: "Items run side by side (1…256).")
    var concurrency = 1

    @Option(help: "Items one claim takes at most (1…1000; default: the concurrency). Raise it for short items.")
    var batch: Int?

    @Option(help: "Seconds a claimed item stays leased without a heartbeat (heartbeats come every third of it).")
    var leaseSeconds = 30.0

    @Option(help: "Seconds an idle worker sleeps before it looks again when nothing wakes it.")
    var idleSeconds = 5.0

    @Option(help: "Seconds a graceful shutdown waits for running items before cancelling them.")
    var graceSeconds = 30.0

    @Option(help: "This worker's id (default: host:pid:random).")
    var id: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel = "notice"

    func validate() throws {
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be in 1…256") }
        if let batch, !(1...1000).contains(batch) { throw ValidationError("--batch must be in 1…1000") }
        guard (0.1...86_400).contains(leaseSeconds) else { throw ValidationError("--lease-seconds must be in 0.1…86400") }
        guard (0.01...3600).contains(idleSeconds) else { throw ValidationError("--idle-seconds must be in 0.01…3600") }
        guard (0...3600).contains(graceSeconds) else { throw ValidationError("--grace-seconds must be in 0…3600") }
        guard ExecutionProvider(parsing: provider) != nil else { throw ValidationError("--provider: expected cpu, cuda[:N] or tensorrt[:N]") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level: expected trace, debug, info, notice, warning or error") }
        guard !stageList.isEmpty else { throw ValidationError("--stages: name at least one stage") }
        // Refused before the database is opened, so a typo creates no queue file.
        if let unknown = stageList.first(where: { !Self.stagesWorkersRun.contains($0) }) {
            throw Console.fail(
                code: WorkQueueError.invalidArgument("").code,
                "workers cannot run stage \(unknown); they run: \(Self.stagesWorkersRun.joined(separator: ", "))")
        }
    }

    /// The stages this build's workers run.
    static let stagesWorkersRun = [ProbeStageHandler.stageName] + DispatchedStageRunner.dispatchable.map(\.rawValue)

    var stageList: [String] {
        stages.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() async throws {
        var logger = Logger(label: "xpaste.worker") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .notice
        let database = try queueDatabase.open(logger: logger)
        let pipelineStages = stageList.compactMap(StageKind.init(rawValue:))
        let bank = pipelineStages.isEmpty ? nil : try database.openBank(logger: logger)
        var config = WorkerConfiguration(
            id: id, stages: stageList, devices: [provider], concurrency: concurrency, batch: batch,
            lease: .milliseconds(Int64(leaseSeconds * 1000)), idleWait: .milliseconds(Int64(idleSeconds * 1000)),
            shutdownGrace: .milliseconds(Int64(graceSeconds * 1000)))
        if let visible = ProcessInfo.processInfo.environment["CUDA_VISIBLE_DEVICES"], !visible.isEmpty, provider != "cpu" {
            config.devices = ["\(provider) (CUDA_VISIBLE_DEVICES=\(visible))"]
        }
        let worker: WorkerService
        do {
            var handlers: [any WorkItemHandler] = [ProbeStageHandler(workerId: config.id)]
            if let bank {
                let chosen = ExecutionProvider(parsing: provider) ?? .cpu
                let modelsRoot = models.map { URL(fileURLWithPath: $0) } ?? ModelsDirectory().root
                // The data folder and paths come with each item (the server's); these are placeholders.
                let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
                let environment = PipelineEnvironment(
                    bank: bank.bank, models: ModelsDirectory(root: modelsRoot), dataFolder: here, paths: PathPolicy(roots: [here], base: here),
                    sessionOptions: SessionOptions(providers: chosen == .cpu ? [.cpu] : [chosen, .cpu]), logger: logger)
                handlers += PipelineStageHandler.handlers(for: pipelineStages, environment: environment)
            }
            worker = try WorkerService(queue: database.queue, handlers: handlers, configuration: config, logger: logger)
        } catch {
            throw Console.fail(code: error.code, error.description)
        }
        logger.notice("worker \(config.id) on \(database.description)")
        var services: [any Service] = []
        if let postgres = database.postgres {
            services.append(postgres)
            if let pool = bank?.postgres { services.append(pool) }
            services.append(PreparedService(prepare: {
                try await database.migrate()
                try await bank?.migrate()
            }, service: worker))
        } else {
            services.append(worker)
        }
        // The worker's return ends the group (and stops the pool after it: services stop in reverse).
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup) },
            gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger))
        try await group.run()
    }
}
