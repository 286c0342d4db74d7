import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import XPasteInference
import XPastePipeline
import XPastePostgres
import XPasteServer

/// `xpaste serve`: runs the HTTP service — the API, the job runner and the web page.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the xpaste HTTP service: the job API, the job runner and the bank browser.",
        discussion: """
            Everything lives in the data folder: the bank (bank.sqlite), the job ledger (jobs.sqlite), the work queue \
            workers on this host share (queue.sqlite; GET /v1/workers lists them), uploads, \
            datasets (datasets/<job id>/) and the local token. With --database postgres://… the bank (blobs included), \
            the jobs and the work queue live in that PostgreSQL database instead, shared with `xpaste worker` on other \
            hosts; uploads and datasets stay in the data folder, which must then be shared storage for workers that \
            compose. Jobs left unfinished by a crash or a stop resume on the next start. SIGINT/SIGTERM stop taking work, let running batches commit and exit within seconds.

            Auth: with --token (or $XPASTE_TOKEN) every route but /healthz needs `Authorization: Bearer TOKEN`. \
            Without one, a token is made and kept in <data>/token (mode 0600): reads are open, changes need it. \
            Binding to an address other than loopback without --token is refused.
            """)

    @Option(help: "Address to listen on (default: $HOST, else 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on, 0 for any free port (default: $PORT, else 8080).")
    var port: Int?

    @Option(help: "Data folder: bank, job ledger, uploads, datasets.")
    var data = "data"

    @Option(help: "PostgreSQL for the bank, the jobs and the work queue: postgres://user@host:port/db (default: $XPASTE_DATABASE when it is a postgres:// URL, else SQLite files in --data).")
    var database: String?

    @Option(help: "Models folder (default: $XPASTE_MODELS, else ./models).")
    var models: String?

    @Option(help: "Folder of pipeline files (*.yaml).")
    var pipelines = "pipelines"

    @Option(help: "Folder of the web page's static files.")
    var web = "web"

    @Option(help: "The OpenAPI document served at /openapi.yaml.")
    var openapi = "schemas/openapi.yaml"

    @Option(help: "Bearer token every request must carry (default: $XPASTE_TOKEN).")
    var token: String?

    @Option(name: .customLong("allow-path"), help: "A folder server-side paths in requests may lie in (repeatable; default: the data folder).")
    var allowPaths: [String] = []

    @Option(help: "An origin allowed to call the API from a browser (CORS; default: none).")
    var corsOrigin: String?

    @Option(help: "LVIS category list (lvis_v1_categories.json) an empty bank starts with (default: $XPASTE_LVIS_CATEGORIES).")
    var lvisCategories: String?

    @Option(help: "Comma-separated stages to queue for `xpaste worker` processes instead of running here: generate, extract, filter, composite (default: none).")
    var dispatch = ""

    @Option(help: "Jobs running side by side.")
    var jobs = 2

    @Option(help: "Execution provider for models: cpu, cuda[:N] or tensorrt[:N].")
    var provider = "cpu"

    @Option(help: "Largest upload request in MiB.")
    var maxUploadMb = 512

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel = "info"

    func validate() throws {
        guard jobs >= 1, jobs <= 64 else { throw ValidationError("--jobs must be in 1…64") }
        guard ExecutionProvider(parsing: provider) != nil else { throw ValidationError("--provider: expected cpu, cuda[:N] or tensorrt[:N]") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level: expected trace, debug, info, notice, warning or error") }
        guard maxUploadMb >= 1 else { throw ValidationError("--max-upload-mb must be at least 1") }
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be in 0…65535") }
        for name in dispatchList where !DispatchedStageRunner.dispatchable.map(\.rawValue).contains(name) {
            throw ValidationError("--dispatch: \(name) cannot run on workers; these can: \(DispatchedStageRunner.dispatchable.map(\.rawValue).joined(separator: ", "))")
        }
        if let database, !Self.isPostgresURL(database) {
            throw ValidationError("--database takes a postgres:// URL; without it the bank, jobs and queue are SQLite files in --data")
        }
    }

    var dispatchList: [String] {
        dispatch.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        var logger = Logger(label: "xpaste") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var config = ServerConfiguration()
        config.host = host ?? env["HOST"] ?? "127.0.0.1"
        let resolvedPort = port ?? (env["PORT"].map { Int($0) ?? -1 } ?? 8080)
        guard (0...65535).contains(resolvedPort) else { throw ValidationError("$PORT is not a port number") }
        config.port = resolvedPort
        config.dataFolder = URL(fileURLWithPath: data).standardizedFileURL
        config.modelsFolder = models.map { URL(fileURLWithPath: $0) } ?? ModelsDirectory().root
        config.pipelinesFolder = URL(fileURLWithPath: pipelines)
        config.webFolder = URL(fileURLWithPath: web)
        config.openAPIFile = URL(fileURLWithPath: openapi)
        config.token = token ?? env["XPASTE_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        config.allowedPaths = allowPaths.map { URL(fileURLWithPath: $0).standardizedFileURL }
        config.corsOrigin = corsOrigin
        config.lvisCategories = (lvisCategories ?? env["XPASTE_LVIS_CATEGORIES"].flatMap { $0.isEmpty ? nil : $0 }).map { URL(fileURLWithPath: $0) }
        config.concurrentJobs = jobs
        config.dispatchStages = dispatchList.compactMap(StageKind.init(rawValue:))
        config.database = database ?? env["XPASTE_DATABASE"].flatMap { Self.isPostgresURL($0) ? $0 : nil }
        if let url = config.database {
            do { _ = try PostgresLocation(url: url) } catch { throw Console.fail(code: error.code, error.description) }
        }
        let chosen = ExecutionProvider(parsing: provider) ?? .cpu
        config.sessionOptions = SessionOptions(providers: chosen == .cpu ? [.cpu] : [chosen, .cpu])
        config.limits.uploadBytes = maxUploadMb << 20

        let service: XPasteService
        do {
            service = try await XPasteService(configuration: config, logger: logger)
        } catch {
            Console.err("xpaste: cannot start: \(error)\n")
            throw ExitCode(2)
        }
        let banner = Self.banner(service: service, config: config)
        let configuredPort = config.port
        let app = service.application { channel in
            let port = channel.localAddress?.port ?? configuredPort
            // One write, so a wrapper reading the first lines sees the whole banner at once.
            do { try Console.out(banner(port) + "\n") } catch { Console.err("xpaste: error [cli.io]: \(error)\n") }
        }
        let group = ServiceGroup(configuration: .init(
            services: [app], gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger))
        try await group.run()
    }

    /// What the service prints once it listens: where to go, what is installed, which providers.
    static func banner(service: XPasteService, config: ServerConfiguration) -> @Sendable (Int) -> String {
        let models = ModelsDirectory(root: config.modelsFolder).list()
        var providerText = "ONNX Runtime not found (only the classical segmenter can run; `xpaste doctor` says why)"
        if let runtime = try? OnnxRuntime.discover(), let list = try? runtime.availableProviders() {
            providerText = "ONNX Runtime \(runtime.version): " + list.joined(separator: ", ")
        }
        let providers = providerText
        let modelLine = models.isEmpty
            ? "none in \(config.modelsFolder.path) (`xpaste models pull --list`)"
            : models.map { $0.problem == nil ? $0.name : "\($0.name) (unusable)" }.joined(separator: ", ")
        let tokenLine = config.token != nil
            ? "every request needs the configured bearer token"
            : "changes need the token in \(config.dataFolder.appendingPathComponent("token").path)"
        let dataPath = config.dataFolder.path
        // The URL as PostgresLocation prints it: without a password.
        let storage = config.database.flatMap { try? PostgresLocation(url: $0) }.map { "PostgreSQL \($0) (bank, jobs, queue)" }
            ?? "SQLite files in \(dataPath)"
        let host = config.host.contains(":") ? "[\(config.host)]" : config.host
        let pipelines = service.catalog.pipelines.keys.sorted().joined(separator: ", ")
        return { port in
            """
            xpaste \(XPasteVersion.string) listening on http://\(host):\(port)
              web page:   http://\(host):\(port)/
              API:        http://\(host):\(port)/openapi.yaml
              data:       \(dataPath)
              storage:    \(storage)
              pipelines:  \(pipelines)
              models:     \(modelLine)
              providers:  \(providers)
              auth:       \(tokenLine)
            """
        }
    }
}
