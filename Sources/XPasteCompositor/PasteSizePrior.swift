/// Mean and standard deviation of s = sqrt(object area / image area) for one category — the
/// statistic X-Paste samples paste sizes from (`area_mean_std2.json`).
public struct SizeStatistic: Sendable, Hashable, Codable {
    /// Mean of s.
    public var mean: Double
    /// Standard deviation of s.
    public var std: Double

    /// Creates a statistic.
    public init(mean: Double, std: Double) {
        self.mean = mean
        self.std = std
    }
}

/// Where the size statistic of a category came from, recorded per category in the manifest.
public enum SizePriorOrigin: String, Sendable, Codable, Hashable {
    /// Computed from the background annotation file.
    case backgroundAnnotations = "background_annotations"
    /// Read from a prior file (such as `lvis_v1_size_prior.json`).
    case priorFile = "prior_file"
    /// The global default of the parameters.
    case globalDefault = "default"
}

/// The layered size prior: per category, the background annotations' own statistic when present,
/// else the prior file's, else the global default — the order issue 4 asks for.
public struct PasteSizePrior: Sendable {
    /// Statistics computed from the background annotations, by output category id.
    public var fromBackgrounds: [Int: SizeStatistic]
    /// Statistics read from a prior file, by LVIS category id.
    public var fromFile: [Int: SizeStatistic]
    /// Used when neither layer knows the category.
    public var fallback: SizeStatistic

    /// Creates a layered prior.
    public init(fromBackgrounds: [Int: SizeStatistic] = [:], fromFile: [Int: SizeStatistic] = [:], fallback: SizeStatistic) {
        self.fromBackgrounds = fromBackgrounds
        self.fromFile = fromFile
        self.fallback = fallback
    }

    /// The statistic for a pooled category: `outputCategory` is looked up in the background layer,
    /// `lvisCategory` (when the bank knows it) in the file layer.
    public func statistic(outputCategory: Int, lvisCategory: Int?) -> (SizeStatistic, SizePriorOrigin) {
        if let s = fromBackgrounds[outputCategory] { return (s, .backgroundAnnotations) }
        if let id = lvisCategory, let s = fromFile[id] { return (s, .priorFile) }
        return (fallback, .globalDefault)
    }
}
