/// Whether a cutout may be pasted.
public enum InstanceStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not decided yet.
    case pending
    /// Kept: the compositor samples only these.
    case accepted
    /// Dropped, with a reason.
    case rejected
}
