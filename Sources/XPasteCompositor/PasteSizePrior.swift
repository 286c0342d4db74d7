import XPasteLVIS

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
    public var fromBackgrounds: [Int: LVISSizePrior.Statistic]
    /// Statistics read from a prior file, by LVIS category id.
    public var fromFile: [Int: LVISSizePrior.Statistic]
    /// Used when neither layer knows the category.
    public var fallback: LVISSizePrior.Statistic

    /// Creates a layered prior.
    public init(fromBackgrounds: [Int: LVISSizePrior.Statistic] = [:], fromFile: [Int: LVISSizePrior.Statistic] = [:], fallback: LVISSizePrior.Statistic) {
        self.fromBackgrounds = fromBackgrounds
        self.fromFile = fromFile
        self.fallback = fallback
    }

    /// The statistic for a pooled category: `outputCategory` is looked up in the background layer,
    /// `lvisCategory` (when the bank knows it) in the file layer.
    public func statistic(outputCategory: Int, lvisCategory: Int?) -> (LVISSizePrior.Statistic, SizePriorOrigin) {
        if let s = fromBackgrounds[outputCategory] { return (s, .backgroundAnnotations) }
        if let id = lvisCategory, let s = fromFile[id] { return (s, .priorFile) }
        return (fallback, .globalDefault)
    }
}
