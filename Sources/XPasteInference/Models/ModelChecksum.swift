import Crypto
import Foundation

/// SHA-256 checksums of model files, as the catalogue pins them and `sha256sum` prints them.
/// swift-crypto's hasher (the one the bank uses too) fed in 1 MiB pieces, so a multi-gigabyte
/// model is never read into memory whole.
public enum ModelChecksum {
    /// The read size: large enough that the hash, not the system call, is the cost.
    static let chunkSize = 1 << 20

    /// The digest of a whole file as 64 lowercase hex digits.
    public static func sha256Hex(ofFile path: String) throws(InferenceError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .modelNotFound("cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = Crypto.SHA256()
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: chunkSize) ?? Data() } catch {
                throw .invalidResource("reading \(path): \(error)")
            }
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
        }
        return hex(hasher.finalize())
    }

    /// The digest of `bytes` as 64 lowercase hex digits.
    public static func sha256Hex(of bytes: some DataProtocol) -> String {
        hex(Crypto.SHA256.hash(data: bytes))
    }

    private static func hex(_ digest: Crypto.SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
