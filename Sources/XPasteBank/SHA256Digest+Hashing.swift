import Crypto
import Foundation

// The hashing lives apart from the digest type so code that only reads digests (the export
// manifest reader the fuzz build compiles) does not need swift-crypto.
extension SHA256Digest {
    /// The digest of `bytes` in one call: swift-crypto's SHA-256 (BoringSSL, which uses the CPU's
    /// SHA extensions where it has them), the one the models folder uses too.
    public init(hashing bytes: some DataProtocol) {
        self.init(Crypto.SHA256.hash(data: bytes))
    }

    /// Wraps a finished swift-crypto digest (what a streaming `Crypto.SHA256` hasher returns).
    public init(_ digest: Crypto.SHA256.Digest) {
        self.init(unchecked: Array(digest))
    }
}
