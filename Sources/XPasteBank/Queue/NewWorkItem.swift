import Crypto
import Foundation

/// A unit of work to queue. Ids are deterministic (a hash of what the item does), so queuing the
/// same work twice — a resubmitted job, a server restarted mid-plan — adds it once.
public struct NewWorkItem: Sendable, Hashable {
    /// The item's id: unique across the queue.
    public var id: String
    /// The job it belongs to.
    public var jobId: String
    /// The stage kind a worker must offer to take it (`generate`, `extract`, `probe`, …).
    public var stage: String
    /// What the stage needs to do it, as the stage encodes it (JSON).
    public var payload: Data
    /// Attempts before the item ends failed (each claim is one; a lease that expires counts).
    public var maxAttempts: Int

    /// An item.
    public init(id: String, jobId: String, stage: String, payload: Data, maxAttempts: Int = 3) {
        self.id = id
        self.jobId = jobId
        self.stage = stage
        self.payload = payload
        self.maxAttempts = maxAttempts
    }

    /// The deterministic id of the work `parts` describe within `stage`: 32 hex digits of the
    /// SHA-256 of the stage and parts, each length-prefixed so no two part lists collide.
    public static func id(stage: String, _ parts: [String]) -> String {
        var hasher = Crypto.SHA256()
        for part in [stage] + parts {
            let bytes = Array(part.utf8)
            var length = UInt64(bytes.count).littleEndian
            withUnsafeBytes(of: &length) { hasher.update(bufferPointer: $0) }
            hasher.update(data: bytes)
        }
        return hasher.finalize().prefix(16).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
