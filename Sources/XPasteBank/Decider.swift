/// Who made a status decision on an instance.
public enum Decider: String, Sendable, Hashable, Codable, CaseIterable {
    /// The automatic CLIP/area filter.
    case filter
    /// A person, through the browser, the API or the CLI.
    case person
}
