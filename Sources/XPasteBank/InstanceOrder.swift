/// Sort order of a browse: a key, a direction, and the instance id as tie-breaker (so every order
/// is total and a cursor can resume it exactly).
public struct InstanceOrder: Sendable, Hashable, Codable {
    /// What to sort by.
    public enum Key: String, Sendable, Hashable, Codable, CaseIterable {
        /// CLIP score; unscored instances sort below every score.
        case clipScore = "score"
        /// Time recorded.
        case createdAt = "date"
        /// Area ratio; instances without one sort below every area.
        case areaRatio = "area"
    }

    /// Sort key.
    public var key: Key
    /// Largest first when true.
    public var descending: Bool

    /// Creates an order.
    public init(_ key: Key, descending: Bool = true) {
        self.key = key
        self.descending = descending
    }

    /// Newest first.
    public static let newest = InstanceOrder(.createdAt, descending: true)
    /// Best CLIP score first.
    public static let bestScore = InstanceOrder(.clipScore, descending: true)
}
