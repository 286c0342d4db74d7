import Foundation

/// Position after the last row of a page: the sort key value and id of that row, plus what the
/// query was, so a cursor cannot be replayed against a different order or filter.
///
/// Keyset pagination resumes strictly after (value, id) in the index order, so rows inserted while
/// someone pages never shift later pages (no duplicates, no skips among rows that existed).
public struct BrowseCursor: Codable, Hashable, Sendable {
    /// Format version of the token.
    var v: Int
    /// Sort key.
    var k: InstanceOrder.Key
    /// Descending.
    var d: Bool
    /// Sort key value of the last row (the stored sort column; NULLs appear as the sentinel).
    public var s: Double
    /// Id of the last row.
    public var i: Int64
    /// Fingerprint of the filter.
    var f: String

    static let version = 1

    /// The cursor after the row with sort value `value` and id `id` of a page of `filter` in `order`.
    public init(order: InstanceOrder, value: Double, id: Int64, filter: InstanceFilter) {
        v = Self.version
        k = order.key
        d = order.descending
        s = value
        i = id
        f = Self.fingerprint(filter)
    }

    /// base64url JSON: opaque to clients, but debuggable by us.
    /// The opaque token clients pass back.
    public var token: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = (try? encoder.encode(self)) ?? Data()
        return json.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Parses a token and checks that it belongs to `order` and `filter`.
    public init(token: String, order: InstanceOrder, filter: InstanceFilter) throws(BankError) {
        var b64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64), let cursor = try? JSONDecoder().decode(BrowseCursor.self, from: data) else {
            throw BankError.invalidCursor("not a cursor token")
        }
        guard cursor.v == Self.version else { throw BankError.invalidCursor("cursor format \(cursor.v) is not supported") }
        guard cursor.k == order.key, cursor.d == order.descending else {
            throw BankError.invalidCursor("cursor was made for another sort order")
        }
        guard cursor.f == Self.fingerprint(filter) else {
            throw BankError.invalidCursor("cursor was made for another filter")
        }
        guard cursor.s.isFinite else { throw BankError.invalidCursor("cursor value is not finite") }
        self = cursor
    }

    static func fingerprint(_ filter: InstanceFilter) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = (try? encoder.encode(filter)) ?? Data()
        return String(SHA256Digest(hashing: json).hex.prefix(16))
    }
}
