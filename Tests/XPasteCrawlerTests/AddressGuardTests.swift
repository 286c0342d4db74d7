import Testing
@testable import XPasteCrawler

/// The guard's classification of address literals (values only: nothing is contacted).
@Suite struct AddressGuardTests {
    let guardOn = AddressGuard()

    @Test func everyDefaultRefusalParses() {
        // `refused` drops nothing: a literal that did not parse would silently open its range.
        #expect(AddressGuard.refused.count == AddressGuard.refusedCIDRs.count)
        #expect(AddressGuard.refused.map(\.description) == AddressGuard.refusedCIDRs)
    }

    @Test(arguments: [
        "127.0.0.1", "127.1.2.3", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "0.0.0.0", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", "192.0.2.10", "198.18.0.1",
        "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "2001:db8::1",
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::1",
    ])
    func refusesNonGlobalAddresses(_ literal: String) {
        #expect(guardOn.check(literal: literal) != nil)
    }

    @Test(arguments: ["8.8.8.8", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8", "172.32.0.1", "100.128.0.1"])
    func allowsGlobalAddresses(_ literal: String) {
        #expect(guardOn.check(literal: literal) == nil)
    }

    @Test func allowListOpensExactlyTheRange() throws {
        let g = AddressGuard(allowed: [try AddressRange(cidr: "127.0.0.1/32"), try AddressRange(cidr: "::1/128")])
        #expect(g.check(literal: "127.0.0.1") == nil)
        #expect(g.check(literal: "::ffff:127.0.0.1") == nil)
        #expect(g.check(literal: "::1") == nil)
        #expect(g.check(literal: "127.0.0.2") != nil)
        #expect(g.check(literal: "10.0.0.1") != nil)
    }

    @Test func badRangesAreTypedErrors() {
        #expect(throws: CrawlError.invalidArgument("not a CIDR range: nope")) { try AddressRange(cidr: "nope") }
        #expect(throws: CrawlError.invalidArgument("bad prefix in 10.0.0.0/33")) { try AddressRange(cidr: "10.0.0.0/33") }
    }
}
