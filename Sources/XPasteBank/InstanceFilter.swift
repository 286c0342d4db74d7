/// Which instances a browse, count, bulk change or export applies to. Every field narrows the set;
/// nil means "any". An empty filter matches every instance.
public struct InstanceFilter: Sendable, Hashable, Codable {
    /// Categories by id.
    public var categoryIds: [Int64]?
    /// Categories whose name starts with this (case-insensitive); combined with `categoryIds` by
    /// intersection.
    public var categoryNamePrefix: String?
    /// Source kinds.
    public var sourceKinds: [SourceKind]?
    /// Statuses.
    public var statuses: [InstanceStatus]?
    /// CLIP score range (inclusive); matches scored instances only.
    public var clipScore: ClosedRange<Double>?
    /// Area ratio range (inclusive); matches instances with a known area only.
    public var areaRatio: ClosedRange<Double>?
    /// Segmenter names.
    public var segmenters: [String]?
    /// The job that made the instances.
    public var jobId: String?
    /// The source image they were cut from.
    public var sourceId: Int64?

    /// Creates a filter.
    public init(
        categoryIds: [Int64]? = nil, categoryNamePrefix: String? = nil, sourceKinds: [SourceKind]? = nil,
        statuses: [InstanceStatus]? = nil, clipScore: ClosedRange<Double>? = nil, areaRatio: ClosedRange<Double>? = nil,
        segmenters: [String]? = nil, jobId: String? = nil, sourceId: Int64? = nil
    ) {
        self.categoryIds = categoryIds
        self.categoryNamePrefix = categoryNamePrefix
        self.sourceKinds = sourceKinds
        self.statuses = statuses
        self.clipScore = clipScore
        self.areaRatio = areaRatio
        self.segmenters = segmenters
        self.jobId = jobId
        self.sourceId = sourceId
    }

    /// Matches every instance.
    public static let all = InstanceFilter()
}
