import Foundation
import XPasteInference
import XPastePipeline

/// How `xpaste serve` is set up: where it listens, where its data and models are, who may call it
/// and how much a request may carry.
public struct ServerConfiguration: Sendable {
    /// Address to bind.
    public var host: String = "127.0.0.1"
    /// Port (0 picks a free one).
    public var port: Int = 8080
    /// The data folder: bank, job ledger, uploads, datasets.
    public var dataFolder: URL = URL(fileURLWithPath: "data")
    /// The models folder.
    public var modelsFolder: URL = URL(fileURLWithPath: "models")
    /// The pipeline files.
    public var pipelinesFolder: URL = URL(fileURLWithPath: "pipelines")
    /// The web page's static files.
    public var webFolder: URL = URL(fileURLWithPath: "web")
    /// The OpenAPI document served at `/openapi.yaml`.
    public var openAPIFile: URL = URL(fileURLWithPath: "schemas/openapi.yaml")
    /// The bearer token; when set every route needs it, when nil only loopback binding is allowed
    /// and mutating routes are open to local callers.
    public var token: String?
    /// Roots server-side paths in requests must lie in (default: the data folder).
    public var allowedPaths: [URL] = []
    /// An origin allowed to call the API from a browser (CORS); nil sends no CORS headers.
    public var corsOrigin: String?
    /// The LVIS category list (`lvis_v1_categories.json`) an empty bank starts with, so job
    /// categories named like LVIS ones get LVIS ids; nil leaves new names as user categories.
    public var lvisCategories: URL?
    /// A PostgreSQL URL (`postgres://user@host/db`) for the bank, the jobs and the work queue;
    /// nil keeps them in SQLite files in the data folder.
    public var database: String?
    /// Stages the server queues for `xpaste worker` processes instead of running them itself
    /// (generate, extract, filter, composite).
    public var dispatchStages: [StageKind] = []
    /// Jobs running side by side.
    public var concurrentJobs: Int = 2
    /// How models run.
    public var sessionOptions = SessionOptions()
    /// Limits on what requests carry.
    public var limits = Limits()

    /// Request limits; each refusal is a 413 or 422 naming the limit.
    public struct Limits: Sendable {
        /// Largest JSON body.
        public var jsonBodyBytes = 1 << 20
        /// Largest upload request (all its files together).
        public var uploadBytes = 512 << 20
        /// Most files in one upload.
        public var uploadFiles = 1000
        /// Largest page of a listing.
        public var pageSize = 1000
        /// Most ids in one bulk change.
        public var bulkIds = 100_000

        /// The defaults.
        public init() {}
    }

    /// The defaults: loopback, port 8080, `./data`, `./models`.
    public init() {}

    /// The bank file.
    public var bankURL: URL { dataFolder.appendingPathComponent("bank.sqlite") }
    /// The job ledger file.
    public var ledgerURL: URL { dataFolder.appendingPathComponent("jobs.sqlite") }
    /// The work queue file workers on this host share (`xpaste worker --database <data folder>`).
    public var queueURL: URL { dataFolder.appendingPathComponent("queue.sqlite") }
    /// Where uploads are spooled before they are recorded.
    public var uploadsFolder: URL { dataFolder.appendingPathComponent("uploads", isDirectory: true) }

    /// Whether `host` is a loopback address.
    public var bindsLoopbackOnly: Bool {
        ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.")
    }
}
