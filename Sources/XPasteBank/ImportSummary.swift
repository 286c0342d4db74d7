/// What an import did.
public struct ImportSummary: Sendable, Hashable {
    /// A file that was not imported, and why.
    public struct Skipped: Sendable, Hashable {
        /// The file.
        public var path: String
        /// Why (undecodable, no object left after clean-up, …).
        public var reason: String
    }

    /// Files looked at (annotations, for a COCO/LVIS import).
    public var files = 0
    /// New instances recorded.
    public var imported = 0
    /// Files whose cutout the bank already held in that category.
    public var duplicates = 0
    /// Files not imported.
    public var skipped: [Skipped] = []
    /// Categories the import created.
    public var categoriesCreated: [String] = []
    /// Files imported without an alpha channel (JPEG, RGB PNG): their whole rectangle is the object.
    public var withoutAlpha: [String] = []
    /// The clean-up applied to folder files, in words (empty for other imports).
    public var cleanup = ""

    /// Creates an empty summary.
    public init() {}
}
