import Foundation

/// What a run is asked to make.
public struct CompositeRequest: Sendable {
    /// Paste parameters.
    public var parameters: CompositorParameters
    /// Global seed; image i draws from `PasteRandom.forImage(seed:index:)`.
    public var seed: UInt64
    /// Number of output images; nil makes one per background.
    public var imageCount: Int?
    /// Dataset folder.
    public var outputDirectory: URL
    /// Worker threads.
    public var jobs: Int
    /// Images composed ahead of the writer at most (bounds memory).
    public var shardSize: Int
    /// Bytes of decoded cutouts kept in memory.
    public var cacheBytes: Int
    /// Replace the split if the folder already holds it (the old images go entirely).
    public var overwrite: Bool
    /// Continue an interrupted run of the same inputs and parameters from its staging folder.
    public var resume: Bool
    /// Fail once more than this many inputs were skipped (nil: never fail for skips).
    public var maxSkipped: Int?

    /// A request with the defaults: all cores, shards of 64, 512 MiB of cutout cache.
    public init(parameters: CompositorParameters = CompositorParameters(), seed: UInt64 = 0, imageCount: Int? = nil,
                outputDirectory: URL, jobs: Int = ProcessInfo.processInfo.activeProcessorCount, shardSize: Int = 64,
                cacheBytes: Int = 512 << 20, overwrite: Bool = false, resume: Bool = false, maxSkipped: Int? = nil) {
        self.parameters = parameters
        self.seed = seed
        self.imageCount = imageCount
        self.outputDirectory = outputDirectory
        self.jobs = jobs
        self.shardSize = shardSize
        self.cacheBytes = cacheBytes
        self.overwrite = overwrite
        self.resume = resume
        self.maxSkipped = maxSkipped
    }
}

/// Progress after each written image.
public struct CompositeProgress: Sendable, Hashable {
    /// Images written.
    public var images: Int
    /// Images the run will write.
    public var total: Int
    /// Annotations written.
    public var annotations: Int
}
