import Foundation
import XPasteBank

/// The payload of a pipeline stage's work item: the job as the server planned it (restricted to
/// the categories this item covers), which of its stages to run, and where the server keeps its
/// files. A worker runs exactly what the server would have run in-process.
public struct PipelineWorkItem: Sendable, Hashable, Codable {
    /// The job, its categories narrowed to this item's.
    public var job: JobRecord
    /// Index of the stage in `job.stages`.
    public var stageIndex: Int
    /// The server's data folder (datasets go under it: shared storage for workers on other hosts).
    public var dataFolder: String
    /// The folders server-side paths in the job may lie in.
    public var allowedRoots: [String]

    /// A payload.
    public init(job: JobRecord, stageIndex: Int, dataFolder: String, allowedRoots: [String]) {
        self.job = job
        self.stageIndex = stageIndex
        self.dataFolder = dataFolder
        self.allowedRoots = allowedRoots
    }

    /// JSON, with dates as the job store writes them.
    public func encoded() throws -> Data { try JobStore.encoder.encode(self) }

    /// Reads a payload.
    public static func decode(_ data: Data) throws -> PipelineWorkItem { try JobStore.decoder.decode(Self.self, from: data) }

    /// The stage this item runs.
    public var status: StageStatus { job.stages[stageIndex] }
}
