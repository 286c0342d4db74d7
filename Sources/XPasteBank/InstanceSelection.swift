/// The instances a bulk change applies to: an explicit id list or everything a filter matches.
public enum InstanceSelection: Sendable, Hashable, Codable {
    /// These ids (unknown ids are ignored and not counted).
    case ids([Int64])
    /// Every instance the filter matches at the time of the change.
    case filter(InstanceFilter)
}
