import Foundation

/// What a bank holds, summarised so two banks can be compared without their ids: counts, and
/// SHA-256 digests over every source and instance in an order that does not depend on ids.
public struct BankDigest: Sendable, Hashable, Codable {
    /// Categories, by id, with their names.
    public var categories: [Int64: String]
    /// Instance counts by category and status.
    public var counts: [CategoryCounts]
    /// Sources by kind.
    public var sourcesByKind: [String: Int]
    /// Digest of every source's hash, kind, status, storage and category.
    public var sources: String
    /// Digest of every instance's category, cutout, thumbnail, source hash, status, decider, scores and box.
    public var instances: String
    /// Instances read.
    public var instanceCount: Int

    /// Reads `bank` through.
    static func make(_ bank: any InstanceBank, batchSize: Int) async throws -> BankDigest {
        var categories: [Int64: String] = [:]
        for c in try await bank.categories() { categories[c.id] = c.name }
        var sourceLines: [String] = []
        var hashes: [Int64: SHA256Digest] = [:]
        var kinds: [String: Int] = [:]
        var after: Int64 = 0
        while true {
            let page = try await bank.sources(status: nil, kinds: nil, categoryIds: nil, afterId: after, limit: batchSize)
            guard let last = page.last else { break }
            for s in page {
                hashes[s.id] = s.sha256
                kinds[s.kind.rawValue, default: 0] += 1
                // Storage `file` (SQLite's folder for large images) and `blob` both keep the bytes.
                let kept = s.storage == .none ? "hash" : "kept"
                sourceLines.append("\(s.sha256.hex)|\(s.kind.rawValue)|\(s.status.rawValue)|\(kept)|\(s.categoryId.map(String.init) ?? "-")")
            }
            after = last.id
        }
        var instanceLines: [String] = []
        var cursor: String?
        repeat {
            let page = try await bank.browse(InstanceQuery(filter: .all, order: BankCopier.order, limit: batchSize, cursor: cursor))
            for i in page.instances {
                let box = i.box.map { "\($0.x),\($0.y),\($0.width),\($0.height)" } ?? "-"
                instanceLines.append([
                    String(i.categoryId), i.cutoutSHA256.hex, i.thumbnailSHA256?.hex ?? "-", hashes[i.sourceId]?.hex ?? "?",
                    i.status.rawValue, i.decidedBy?.rawValue ?? "-", i.reason ?? "-", i.clipScore.map { "\($0)" } ?? "-",
                    i.areaRatio.map { "\($0)" } ?? "-", box, i.segmenter, i.jobId ?? "-",
                    String(Int64((i.createdAt.timeIntervalSince1970 * 1000).rounded())),
                ].joined(separator: "|"))
            }
            cursor = page.nextCursor
        } while cursor != nil
        func digest(_ lines: [String]) -> String {
            SHA256Digest(hashing: Data(lines.sorted().joined(separator: "\n").utf8)).hex
        }
        return BankDigest(
            categories: categories, counts: try await bank.categoryCounts(), sourcesByKind: kinds, sources: digest(sourceLines),
            instances: digest(instanceLines), instanceCount: instanceLines.count)
    }
}

/// The two sides of a copy, compared.
public struct CopyVerification: Sendable, Hashable, Codable {
    /// What the source holds.
    public var source: BankDigest
    /// What the destination holds.
    public var destination: BankDigest

    /// Both banks hold the same categories, sources and instances (a destination that held
    /// something else before the copy does not match).
    public var matches: Bool { source == destination }

    /// What differs, one line each; empty when they match.
    public var differences: [String] {
        var out: [String] = []
        if source.categories != destination.categories { out.append("categories differ (\(source.categories.count) vs \(destination.categories.count))") }
        if source.counts != destination.counts { out.append("instance counts by category and status differ") }
        if source.sourcesByKind != destination.sourcesByKind { out.append("sources by kind: \(source.sourcesByKind) vs \(destination.sourcesByKind)") }
        if source.sources != destination.sources { out.append("source digests differ") }
        if source.instanceCount != destination.instanceCount { out.append("instances: \(source.instanceCount) vs \(destination.instanceCount)") }
        if source.instances != destination.instances { out.append("instance digests differ") }
        return out
    }
}
