import Foundation
import Logging
import XPasteBank
import XPasteImage

/// Records image files as pending sources of a category: what an upload and the ingest stage both
/// do. Each file is decoded in full under the decode limits first (so a truncated, hostile or
/// oversized file is refused with its typed error and never enters the bank), then recorded with
/// its bytes; the bank deduplicates by the bytes' hash, so recording a file twice is harmless.
public struct SourceRecorder: Sendable {
    /// One file to record.
    public struct File: Sendable {
        /// The file's bytes.
        public var bytes: Data
        /// The name it came with (kept as provenance), e.g. `photos/dog1.jpg`.
        public var name: String
        /// The category it shows.
        public var categoryId: Int64?
        /// How it entered (`uploaded`, or `background` for background images).
        public var kind: SourceKind
        /// The job recording it, if any.
        public var jobId: String?

        /// A file to record.
        public init(bytes: Data, name: String, categoryId: Int64?, kind: SourceKind = .uploaded, jobId: String? = nil) {
            self.bytes = bytes
            self.name = name
            self.categoryId = categoryId
            self.kind = kind
            self.jobId = jobId
        }
    }

    /// What became of one file.
    public struct Outcome: Sendable, Hashable, Codable {
        /// The name it came with.
        public var name: String
        /// The source id (nil when refused).
        public var sourceId: Int64?
        /// Hex SHA-256 of its bytes (nil when refused).
        public var sha256: String?
        /// False when the bank already held the same bytes.
        public var inserted: Bool
        /// Decoded width.
        public var width: Int?
        /// Decoded height.
        public var height: Int?
        /// The refusal's code (`image.truncated`), when refused.
        public var errorCode: String?
        /// The refusal, when refused.
        public var error: String?
    }

    /// The bank written to.
    public let bank: any InstanceBank
    /// Limits on decoding.
    public let limits: DecodeLimits

    /// A recorder.
    public init(bank: any InstanceBank, limits: DecodeLimits = .default) {
        self.bank = bank
        self.limits = limits
    }

    /// Checks every file (decoding off the cooperative pool), then records the good ones in one
    /// transaction. Bad files are reported in their outcome; a bank failure throws and records
    /// nothing.
    public func record(_ files: [File]) async throws(StageError) -> [Outcome] {
        let limits = limits
        var (outcomes, accepted) = await BlockingWork.run { Self.check(files, limits: limits) }
        guard !accepted.isEmpty else { return outcomes }
        let sources = accepted.map(\.1)
        let insertions = try await bankWrite(bank) { writer in try sources.map { try writer.addSource($0) } }
        for ((index, _), insertion) in zip(accepted, insertions) {
            outcomes[index].sourceId = insertion.id
            outcomes[index].inserted = insertion.inserted
        }
        return outcomes
    }

    /// Decodes each file: an outcome for every file, and the sources of those that decode, with
    /// the index of their outcome.
    private static func check(_ files: [File], limits: DecodeLimits) -> ([Outcome], [(Int, NewSource)]) {
        var outcomes: [Outcome] = []
        var accepted: [(Int, NewSource)] = []
        for file in files {
            var outcome = Outcome(name: file.name, inserted: false)
            do throws(ImageError) {
                let bytes = [UInt8](file.bytes)
                let format = try ImageCodec.info(bytes).format
                let image = try ImageCodec.decode(bytes, limits: limits)
                let source = NewSource(
                    kind: file.kind, bytes: file.bytes, width: image.width, height: image.height,
                    provenance: SourceProvenance(url: file.name), categoryId: file.categoryId, jobId: file.jobId,
                    mediaType: format.mimeType)
                outcome.width = image.width
                outcome.height = image.height
                outcome.sha256 = source.sha256.hex
                accepted.append((outcomes.count, source))
            } catch {
                outcome.errorCode = error.code
                outcome.error = error.description
            }
            outcomes.append(outcome)
        }
        return (outcomes, accepted)
    }
}
