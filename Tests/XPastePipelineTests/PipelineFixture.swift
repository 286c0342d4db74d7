import Foundation
import Logging
import ServiceLifecycle
import Testing
import XPasteBank
import XPasteImage
import XPasteInference
import XPastePipeline
import XPasteTestSupport

/// A bank, a job ledger, the shipped pipelines and a runner in a fresh temporary folder.
final class PipelineFixture: @unchecked Sendable {
    let directory: URL
    let bank: SQLiteBank
    let ledger: SQLiteJobLedger
    let models: ModelsDirectory
    let runner: JobRunner
    let catalog: PipelineCatalog

    static let logger: Logger = {
        var logger = Logger(label: "xpaste.pipeline.tests")
        logger.logLevel = .error
        return logger
    }()

    init(concurrentJobs: Int = 2, extraRoots: [URL] = [], modelCatalog: [String: ModelCatalog.Entry] = ModelCatalog.entries) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        bank = try SQLiteBank(url: directory.appendingPathComponent("bank.sqlite"), logger: Self.logger)
        ledger = try SQLiteJobLedger(url: directory.appendingPathComponent("jobs.sqlite"), logger: Self.logger)
        models = ModelsDirectory(root: directory.appendingPathComponent("models"))
        catalog = try PipelineCatalog(folder: SharedData.repositoryRoot.appendingPathComponent("pipelines"))
        let paths = PathPolicy(roots: [directory] + extraRoots, base: directory)
        let environment = PipelineEnvironment(
            bank: bank, models: models, dataFolder: directory, paths: paths, modelCatalog: modelCatalog, logger: Self.logger)
        runner = JobRunner(
            store: JobStore(ledger: ledger), environment: environment,
            planner: JobPlanner(catalog: catalog, models: models, paths: paths, bank: bank, modelCatalog: modelCatalog),
            maxConcurrentJobs: concurrentJobs,
            logger: Self.logger)
    }

    deinit {
        try? bank.close()
        try? ledger.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Records shared photos as uploaded sources of a category; returns their ids.
    func upload(_ images: [String], into category: String) throws -> [Int64] {
        let c = try bank.category(named: category) ?? bank.userCategory(named: category)
        return try images.map { name in
            let bytes = try Data(contentsOf: SharedData.image(name))
            let image = try ImageCodec.decode([UInt8](bytes))
            return try bank.addSource(NewSource(kind: .uploaded, bytes: bytes, width: image.width, height: image.height, categoryId: c.id)).id
        }
    }

    /// Runs the runner as a service while `body` runs, then shuts it down gracefully.
    func whileRunning<T: Sendable>(_ body: @Sendable (JobRunner) async throws -> T) async throws -> T {
        let group = ServiceGroup(configuration: .init(services: [runner], logger: Self.logger))
        return try await withThrowingTaskGroup(of: T?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            let result = try await body(runner)
            await group.triggerGracefulShutdown()
            for try await _ in tasks {}
            return result
        }
    }

    /// Waits until the job has finished (or `seconds` pass).
    func waitFinished(_ id: String, seconds: Double = 600) async throws -> JobRecord {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let job = try await runner.store.job(id), job.state.isFinished { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw PipelineError.stage(code: "test.timeout", message: "job \(id) did not finish in \(seconds) s")
    }
}
