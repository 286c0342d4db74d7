import Crypto
import Foundation
import Testing
import XPasteTestSupport
@testable import XPasteBank

/// The bank's content addresses come from swift-crypto; these pin that `XPasteBank.SHA256Digest` wraps it
/// byte for byte (FIPS vectors, hashlib across block boundaries, streamed and one-shot alike).
@Suite struct SHA256Tests {
    // FIPS 180-2 appendix B test vectors.
    @Test func nistVectors() {
        #expect(XPasteBank.SHA256Digest(hashing: Array("".utf8)).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(XPasteBank.SHA256Digest(hashing: Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(XPasteBank.SHA256Digest(hashing: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).hex
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var hasher = Crypto.SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(data: chunk) }
        #expect(XPasteBank.SHA256Digest(hasher.finalize()).hex == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func matchesHashlibAcrossBlockBoundaries() throws {
        let lengths = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096, 100_003]
        let out = try ReferencePython.run(
            script: "Tests/XPasteBankTests/Reference/sha256_lengths.py", arguments: lengths.map(String.init))
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == lengths.count)
        for line in lines {
            let parts = line.split(separator: " ")
            let n = Int(parts[0])!
            let data = (0..<n).map { UInt8($0 % 251) }
            #expect(XPasteBank.SHA256Digest(hashing: data).hex == String(parts[1]), "length \(n)")
            #expect(XPasteBank.SHA256Digest(hashing: Data(data)).hex == String(parts[1]), "length \(n) as Data")
            // Fed in uneven pieces, the streaming hasher must agree with the one-shot hash.
            var hasher = Crypto.SHA256()
            var offset = 0, step = 1
            while offset < n {
                let end = min(n, offset + step)
                hasher.update(data: data[offset..<end])
                offset = end
                step = step * 3 + 1
            }
            #expect(XPasteBank.SHA256Digest(hasher.finalize()).hex == String(parts[1]), "streamed length \(n)")
        }
    }

    @Test func digestHexRoundTrip() throws {
        let d = XPasteBank.SHA256Digest(hashing: Array("xpaste".utf8))
        #expect(XPasteBank.SHA256Digest(hex: d.hex) == d)
        #expect(XPasteBank.SHA256Digest(hex: d.hex.uppercased()) == d)
        #expect(XPasteBank.SHA256Digest(hex: "zz") == nil)
        #expect(XPasteBank.SHA256Digest(hex: String(repeating: "g", count: 64)) == nil)
        let json = try JSONEncoder().encode([d])
        #expect(try JSONDecoder().decode([XPasteBank.SHA256Digest].self, from: json) == [d])
    }
}
