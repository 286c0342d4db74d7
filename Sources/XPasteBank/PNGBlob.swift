import Foundation

/// PNG bytes ready to go into the bank: validated header and content hash computed up front, so the
/// hashing happens before the write transaction starts, not while it holds the write lock.
public struct PNGBlob: Sendable, Hashable {
    /// The encoded file.
    public let data: Data
    /// Its content address.
    public let sha256: SHA256Digest
    /// What its IHDR chunk says.
    public let header: PNGHeader

    /// Validates the PNG header of `data` and hashes it.
    public init(_ data: Data) throws(BankError) {
        self.header = try PNGHeader(data)
        self.data = data
        self.sha256 = SHA256Digest(hashing: data)
    }

    /// True for 8-bit RGBA, the only layout the bank stores cutouts in.
    public var isRGBA8: Bool { header.colorType == .rgba && header.bitDepth == 8 }
}
