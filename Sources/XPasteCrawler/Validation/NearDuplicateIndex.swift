/// Difference hashes kept per category: an image within `maxDistance` bits of one already kept in
/// its category is a near-duplicate.
public struct NearDuplicateIndex: Sendable {
    /// Largest Hamming distance that counts as the same picture.
    public let maxDistance: Int
    private var hashes: [String: [UInt64]] = [:]

    /// An empty index.
    public init(maxDistance: Int) { self.maxDistance = maxDistance }

    /// Adds the hash unless a near one is already there; returns the distance to that one then.
    public mutating func insert(_ hash: UInt64, category: String) -> Int? {
        if let d = hashes[category, default: []].lazy.map({ PerceptualHash.distance($0, hash) }).first(where: { $0 <= maxDistance }) {
            return d
        }
        hashes[category, default: []].append(hash)
        return nil
    }
}
