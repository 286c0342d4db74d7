import Foundation
import Logging

/// Copies a whole bank into another — SQLite to PostgreSQL and back, or any driver to any — and
/// checks the result: categories (with their ids), then sources with their kept bytes, then
/// instances with their cutouts, thumbnails, scores and decisions, each batch one transaction in
/// the destination.
///
/// Copying is idempotent (the destination keeps one source per image hash and one instance per
/// cutout and category), so a copy that stops anywhere — killed, a lost connection, a full disk —
/// loses nothing and is resumed by running it again; `CopyProgress` lets the rerun skip what is
/// done. Ids are the destination's own: sources and instances are renumbered, categories keep
/// theirs. The source bank should not change while it is copied.
public struct BankCopier: Sendable {
    /// Where from.
    public let source: any InstanceBank
    /// Where to.
    public let destination: any InstanceBank
    /// Sources or instances per destination transaction.
    public let batchSize: Int
    /// Where it logs.
    public let logger: Logger

    /// A copier.
    public init(from source: any InstanceBank, to destination: any InstanceBank, batchSize: Int = 200, logger: Logger) {
        self.source = source
        self.destination = destination
        self.batchSize = max(1, min(batchSize, InstanceQuery.maximumLimit))
        self.logger = logger
    }

    /// The order instances are copied in: by creation time, then id, a total order the cursor resumes.
    static let order = InstanceOrder(.createdAt, descending: false)

    /// Copies what `progress` says is not copied yet, calling `committed` after every batch with
    /// the progress to resume from (save it to resume after an interruption).
    public func copy(
        resuming progress: CopyProgress = CopyProgress(),
        committed: @Sendable (CopyProgress) async throws -> Void = { _ in }
    ) async throws -> CopyProgress {
        var progress = progress
        // Categories first, every time (a few thousand rows at most): sources and instances refer to them.
        let categories = try await source.categories()
        try await destination.upsertCategories(categories)
        progress.categories = categories.count

        // Sources in id order, with their kept bytes.
        while true {
            let page = try await source.sources(
                status: nil, kinds: nil, categoryIds: nil, afterId: progress.sourcesAfter, limit: batchSize)
            guard let last = page.last else { break }
            var records: [NewSource] = []
            for s in page {
                var record: NewSource
                if s.storage != .none, let bytes = try await source.sourceImage(id: s.id) {
                    record = NewSource(
                        kind: s.kind, bytes: bytes, width: s.width, height: s.height, provenance: s.provenance,
                        categoryId: s.categoryId, jobId: s.jobId, mediaType: s.mediaType, clipScore: s.clipScore,
                        status: s.status, error: s.error, createdAt: s.createdAt)
                    guard record.sha256 == s.sha256 else {
                        throw BankError.corrupt("source \(s.id): its kept bytes hash to \(record.sha256.hex), not \(s.sha256.hex)")
                    }
                } else {
                    record = NewSource(
                        kind: s.kind, sha256: s.sha256, width: s.width, height: s.height, provenance: s.provenance,
                        categoryId: s.categoryId, jobId: s.jobId, mediaType: s.mediaType, clipScore: s.clipScore,
                        status: s.status, error: s.error, createdAt: s.createdAt)
                }
                records.append(record)
            }
            let batch = records
            let added = try await destination.write { writer in
                try batch.reduce(0) { n, record in n + (try writer.addSource(record).inserted ? 1 : 0) }
            }
            progress.sources += page.count
            progress.sourcesAdded += added
            progress.sourcesAfter = last.id
            logger.debug("sources copied", metadata: ["through_id": "\(last.id)", "read": "\(progress.sources)", "new": "\(progress.sourcesAdded)"])
            try await committed(progress)
        }

        // Instances with their bytes; each names its source by hash, which the destination maps to its id.
        var sourceHashes: [Int64: SHA256Digest] = [:]
        var cursor = progress.instancesCursor
        if !progress.instancesDone {
            repeat {
                let page = try await source.browse(InstanceQuery(filter: .all, order: Self.order, limit: batchSize, cursor: cursor))
                let cutouts = try await source.cutouts(of: page.instances.map(\.id))
                var items: [(instance: BankInstance, sourceHash: SHA256Digest, cutout: PNGBlob, thumbnail: PNGBlob?)] = []
                for (instance, cutout) in zip(page.instances, cutouts) {
                    if sourceHashes[instance.sourceId] == nil {
                        guard let s = try await source.source(id: instance.sourceId) else { throw BankError.unknownSource(instance.sourceId) }
                        sourceHashes[instance.sourceId] = s.sha256
                    }
                    var thumbnail: PNGBlob?
                    if let sha = instance.thumbnailSHA256 {
                        guard let bytes = try await source.blob(sha) else { throw BankError.corrupt("instance \(instance.id): thumbnail \(sha.hex) is missing") }
                        thumbnail = try PNGBlob(bytes)
                    }
                    items.append((instance, sourceHashes[instance.sourceId]!, try PNGBlob(cutout.png), thumbnail))
                }
                let batch = items
                let added = try await destination.write { writer in
                    var added = 0
                    var ids: [SHA256Digest: Int64] = [:]
                    for item in batch {
                        let i = item.instance
                        // The source is in the destination already (sources go first): a record
                        // by hash alone finds it.
                        var sourceId = ids[item.sourceHash]
                        if sourceId == nil {
                            let found = try writer.addSource(NewSource(kind: i.sourceKind, sha256: item.sourceHash, width: 1, height: 1))
                            // Inserted means the sources pass missed it: stop (this batch rolls back).
                            guard !found.inserted else {
                                throw BankError.corrupt("source \(item.sourceHash.hex) of instance \(i.id) is not in the destination")
                            }
                            sourceId = found.id
                            ids[item.sourceHash] = found.id
                        }
                        let record = NewInstance(
                            sourceId: sourceId!, categoryId: i.categoryId, segmenter: i.segmenter, cutout: item.cutout,
                            thumbnail: item.thumbnail, box: i.box, areaRatio: i.areaRatio, clipScore: i.clipScore, status: i.status,
                            reason: i.reason, decidedBy: i.decidedBy, jobId: i.jobId, createdAt: i.createdAt)
                        if try writer.addInstance(record).inserted { added += 1 }
                    }
                    return added
                }
                progress.instances += page.instances.count
                progress.instancesAdded += added
                cursor = page.nextCursor
                progress.instancesCursor = cursor
                progress.instancesDone = cursor == nil
                logger.debug("instances copied", metadata: ["read": "\(progress.instances)", "new": "\(progress.instancesAdded)"])
                try await committed(progress)
            } while cursor != nil
        }
        logger.info("bank copied", metadata: [
            "sources": "\(progress.sources)", "instances": "\(progress.instances)",
            "new_sources": "\(progress.sourcesAdded)", "new_instances": "\(progress.instancesAdded)",
        ])
        return progress
    }

    /// Compares the two banks: categories, per-category counts by status, source counts by kind,
    /// and a digest of every instance's category, cutout, status, decision and numbers and of every
    /// source's hash, kind, status and storage. Equal digests: nothing was lost or changed.
    public func verify() async throws -> CopyVerification {
        async let from = BankDigest.make(source, batchSize: InstanceQuery.maximumLimit)
        async let to = BankDigest.make(destination, batchSize: InstanceQuery.maximumLimit)
        return CopyVerification(source: try await from, destination: try await to)
    }
}
