import Foundation

/// What a worker says of itself: who and where it is, what it runs, and how fast. Workers write
/// theirs when they start and with every heartbeat; the API lists them.
public struct WorkerReport: Sendable, Hashable, Codable {
    /// Unique per worker process (`host:pid:random`).
    public var id: String
    /// The host's name.
    public var host: String
    /// The process id on that host.
    public var pid: Int
    /// The stage kinds it takes.
    public var stages: [String]
    /// The devices it runs models on (`cuda:0`, `cpu`).
    public var devices: [String]
    /// Items it runs side by side.
    public var concurrency: Int
    /// When it started.
    public var startedAt: Date
    /// When it last reported (set by the queue on write).
    public var lastSeen: Date
    /// Items it has finished since it started.
    public var itemsDone: Int
    /// Items it has failed since it started.
    public var itemsFailed: Int
    /// Items per second over its recent past.
    public var itemsPerSecond: Double
    /// `running`, `draining` (finishing what it holds before it stops) or `stopped`.
    public var state: String

    /// A report.
    public init(
        id: String, host: String, pid: Int, stages: [String], devices: [String], concurrency: Int, startedAt: Date,
        lastSeen: Date = Date(), itemsDone: Int = 0, itemsFailed: Int = 0, itemsPerSecond: Double = 0, state: String = "running"
    ) {
        self.id = id
        self.host = host
        self.pid = pid
        self.stages = stages
        self.devices = devices
        self.concurrency = concurrency
        self.startedAt = startedAt
        self.lastSeen = lastSeen
        self.itemsDone = itemsDone
        self.itemsFailed = itemsFailed
        self.itemsPerSecond = itemsPerSecond
        self.state = state
    }
}
