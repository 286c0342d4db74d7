import Foundation

/// How a worker runs.
public struct WorkerConfiguration: Sendable {
    /// Unique per process; by default `host:pid:random`.
    public var id: String
    /// The host's name, as reported.
    public var host: String
    /// The stages it takes.
    public var stages: [String]
    /// The devices it runs models on, as reported (`cuda:0`, `cpu`).
    public var devices: [String]
    /// Items it runs side by side.
    public var concurrency: Int
    /// Items one claim takes at most; claimed items wait in the worker under lease, so keep it near
    /// `concurrency` for slow (GPU) items and raise it for cheap ones.
    public var batch: Int
    /// How long a claim's lease lasts without a heartbeat.
    public var lease: Duration
    /// How long an idle worker waits for a wake-up before it looks again.
    public var idleWait: Duration
    /// How long a retried item waits before it may be claimed again.
    public var retryBackoff: Duration
    /// How long a graceful shutdown waits for running items before it cancels them.
    public var shutdownGrace: Duration

    /// A configuration with the defaults: one item at a time, 30 s leases, 5 s idle waits.
    public init(
        id: String? = nil, host: String = ProcessInfo.processInfo.hostName, stages: [String], devices: [String] = ["cpu"],
        concurrency: Int = 1, batch: Int? = nil, lease: Duration = .seconds(30), idleWait: Duration = .seconds(5),
        retryBackoff: Duration = .seconds(5), shutdownGrace: Duration = .seconds(30)
    ) {
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        self.id = id ?? "\(host):\(ProcessInfo.processInfo.processIdentifier):\(suffix)"
        self.host = host
        self.stages = stages
        self.devices = devices
        self.concurrency = max(1, concurrency)
        self.batch = max(1, batch ?? concurrency)
        self.lease = lease
        self.idleWait = idleWait
        self.retryBackoff = retryBackoff
        self.shutdownGrace = shutdownGrace
    }

    /// How often held leases are renewed: a third of the lease, so two heartbeats may fail before
    /// an item is lost.
    public var heartbeatInterval: Duration { lease / 3 }
}
