/// How far a `BankCopier` run got: saved after every batch, handed back to resume.
public struct CopyProgress: Sendable, Hashable, Codable {
    /// Categories copied (all of them, every run).
    public var categories = 0
    /// Sources read so far, and how many of them were new to the destination.
    public var sources = 0
    /// Sources the destination did not hold yet.
    public var sourcesAdded = 0
    /// The last source id copied (sources go in id order).
    public var sourcesAfter: Int64 = 0
    /// Instances read so far.
    public var instances = 0
    /// Instances the destination did not hold yet.
    public var instancesAdded = 0
    /// Where the instance pass resumes (nil: from the start, or done when `instancesDone`).
    public var instancesCursor: String?
    /// Whether every instance has been copied.
    public var instancesDone = false

    /// Nothing copied yet.
    public init() {}
}
