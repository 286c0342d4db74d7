import Foundation

/// The SSRF guard: which addresses the crawler may connect to. By default it refuses loopback,
/// private, link-local, CGNAT, multicast, documentation, benchmark and other reserved ranges of
/// IPv4 and IPv6, including IPv4 embedded in IPv6 (mapped `::ffff:0:0/96`, compatible `::/96`,
/// NAT64 `64:ff9b::/96`, 6to4 `2002::/16`, whose embedded IPv4 is checked again). The fetcher
/// asks it for every address it is about to connect to (curl's open-socket callback), so DNS
/// answers, rebinding and redirects all pass through it. `allowed` ranges are opened explicitly
/// (`--allow-address 127.0.0.1/32`).
public struct AddressGuard: Sendable, Hashable {
    /// Ranges opened on purpose; they win over the refused ranges.
    public var allowed: [AddressRange]
    /// When false, every address is allowed (tests of other behaviour only).
    public var enabled: Bool

    /// A guard with the default refusals and `allowed` opened.
    public init(allowed: [AddressRange] = [], enabled: Bool = true) {
        self.allowed = allowed
        self.enabled = enabled
    }

    /// The ranges refused by default (IANA special-purpose registries, non-global entries), as
    /// written. A test checks that every one parses (`refused` has them all).
    public static let refusedCIDRs: [String] = [
        // IPv4 (as mapped IPv6)
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
        "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
        // IPv6
        "::/128", "::1/128", "100::/64", "2001::/23", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    ]

    /// The ranges refused by default, parsed from `refusedCIDRs` (literals, not input).
    public static let refused: [AddressRange] = refusedCIDRs.compactMap { try? AddressRange(cidr: $0) }

    /// Whether connecting to the 16-byte address (IPv4 mapped) is allowed; the refusal's reason
    /// otherwise.
    public func check(_ address: [UInt8]) -> String? {
        guard enabled else { return nil }
        if allowed.contains(where: { $0.contains(address) }) { return nil }
        if let r = AddressGuard.refused.first(where: { $0.contains(address) }) {
            return "\(AddressGuard.text(address)) is in \(r.description)"
        }
        // IPv4 carried inside IPv6 forms: check the embedded IPv4 address as well.
        if let embedded = AddressGuard.embeddedIPv4(address), check(AddressRange.mapped(embedded)) != nil {
            if allowed.contains(where: { $0.contains(AddressRange.mapped(embedded)) }) { return nil }
            return "\(AddressGuard.text(address)) embeds a refused IPv4 address"
        }
        return nil
    }

    /// Checks a textual address literal.
    public func check(literal: String) -> String? {
        guard let bytes = AddressRange.parse(literal) else { return "\(literal) is not an address" }
        return check(bytes)
    }

    /// The IPv4 address inside an IPv4-compatible, NAT64 or 6to4 IPv6 address.
    static func embeddedIPv4(_ a: [UInt8]) -> [UInt8]? {
        if a[0..<12].allSatisfy({ $0 == 0 }) { return Array(a[12..<16]) }  // ::a.b.c.d
        if a[0] == 0x00, a[1] == 0x64, a[2] == 0xff, a[3] == 0x9b, a[4..<12].allSatisfy({ $0 == 0 }) { return Array(a[12..<16]) }
        if a[0] == 0x20, a[1] == 0x02 { return Array(a[2..<6]) }  // 6to4
        return nil
    }

    /// The address as text (IPv4 for mapped addresses).
    public static func text(_ a: [UInt8]) -> String {
        if a[0..<10].allSatisfy({ $0 == 0 }), a[10] == 0xff, a[11] == 0xff {
            return a[12..<16].map(String.init).joined(separator: ".")
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var raw = in6_addr()
        withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: a) }
        _ = inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The 16-byte form of a socket address (nil for other families).
    static func bytes(of address: UnsafePointer<sockaddr>) -> [UInt8]? {
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in
                var a = p.pointee.sin_addr
                return AddressRange.mapped(withUnsafeBytes(of: &a) { Array($0) })
            }
        case AF_INET6:
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                var a = p.pointee.sin6_addr
                return withUnsafeBytes(of: &a) { Array($0) }
            }
        default:
            return nil
        }
    }
}
