import Foundation

/// A CIDR range of IPv4 or IPv6 addresses (`127.0.0.1/32`, `::1/128`, `10.0.0.0/8`). IPv4 ranges
/// are held as IPv4-mapped IPv6 (`::ffff:a.b.c.d`), so one comparison covers both families.
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    /// The network address as 16 bytes (IPv4 mapped).
    public let network: [UInt8]
    /// Prefix length over the 128-bit form.
    public let prefix: Int
    /// The text it was parsed from.
    public let description: String

    /// Parses `ADDRESS/PREFIX` (or a bare address: a single host).
    public init(cidr: String) throws(CrawlError) {
        let parts = cidr.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let bytes = AddressRange.parse(first) else {
            throw .invalidArgument("not a CIDR range: \(cidr)")
        }
        let isV4 = !first.contains(":")
        let maxPrefix = isV4 ? 32 : 128
        var p = maxPrefix
        if parts.count == 2 {
            guard let n = Int(parts[1]), (0...maxPrefix).contains(n) else { throw .invalidArgument("bad prefix in \(cidr)") }
            p = n
        }
        self.prefix = isV4 ? p + 96 : p
        self.network = AddressRange.masked(bytes, prefix: self.prefix)
        self.description = cidr
    }

    /// Whether the 16-byte address lies in the range.
    public func contains(_ address: [UInt8]) -> Bool {
        address.count == 16 && AddressRange.masked(address, prefix: prefix) == network
    }

    /// An IPv4 or IPv6 literal as 16 bytes (IPv4 mapped), or nil.
    public static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return mapped(withUnsafeBytes(of: &v4) { Array($0) })
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// IPv4 bytes as IPv4-mapped IPv6.
    static func mapped(_ v4: [UInt8]) -> [UInt8] { [UInt8](repeating: 0, count: 10) + [0xff, 0xff] + v4 }

    static func masked(_ bytes: [UInt8], prefix: Int) -> [UInt8] {
        var out = bytes
        for i in 0..<16 {
            let bits = max(0, min(8, prefix - i * 8))
            out[i] &= bits == 0 ? 0 : UInt8(truncatingIfNeeded: 0xff << (8 - bits))
        }
        return out
    }
}
