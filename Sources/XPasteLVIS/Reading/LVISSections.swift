/// The top-level arrays/objects of an LVIS file, to choose what a reader decodes.
public struct LVISSections: OptionSet, Sendable, Hashable {
    /// The raw bit mask.
    public let rawValue: Int

    /// A set from its raw bit mask.
    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// `info`.
    public static let info = LVISSections(rawValue: 1 << 0)
    /// `licenses`.
    public static let licenses = LVISSections(rawValue: 1 << 1)
    /// `images`.
    public static let images = LVISSections(rawValue: 1 << 2)
    /// `annotations`.
    public static let annotations = LVISSections(rawValue: 1 << 3)
    /// `categories`.
    public static let categories = LVISSections(rawValue: 1 << 4)
    /// Every section.
    public static let all: LVISSections = [.info, .licenses, .images, .annotations, .categories]
}
