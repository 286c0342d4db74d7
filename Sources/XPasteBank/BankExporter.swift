import Foundation
import Logging

/// Writes bank cutouts out as files other tools read:
///
/// ```
/// <folder>/pool.json        X-Paste instance pool: {"<LVIS index>": ["*<absolute path>", …]}
/// <folder>/images/<name>/   one folder per category, <instance id>.png in each
/// <folder>/categories.json  the categories (id, name, synonyms, frequency, folder, X-Paste index)
/// <folder>/instances.jsonl  one line per cutout: scores, box, segmenter, source provenance
/// ```
///
/// `pool.json` is what X-Paste's `InstPool` loads (`INPUT.INST_POOL_PATH`): keys are the 0-based
/// LVIS category index (LVIS id − 1), the `*` prefix marks an already cleaned-up cutout so X-Paste
/// uses it as is. It is written last, atomically: an interrupted export has no pool file.
public struct BankExporter: Sendable {
    /// The bank to read.
    public let bank: any InstanceBank
    /// Where progress is logged.
    public let logger: Logger

    /// Creates an exporter.
    public init(bank: any InstanceBank, logger: Logger) {
        self.bank = bank
        self.logger = logger
    }

    /// Exports the instances `filter` matches (accepted ones by default) into `folder`, which is
    /// created if needed; files of an earlier export there are overwritten.
    public func export(to folder: URL, filter: InstanceFilter = InstanceFilter(statuses: [.accepted])) async throws(BankError) -> ExportSummary {
        let fm = FileManager.default
        let root = folder.standardizedFileURL
        let images = root.appendingPathComponent("images", isDirectory: true)
        let categories = Dictionary(uniqueKeysWithValues: try await bank.categories().map { ($0.id, $0) })
        var folders: [Int64: String] = [:]
        var used: Set<String> = []
        var pool: [Int: [String]] = [:]
        var lines = Data()
        var sources: [Int64: ExportedSource?] = [:]
        var count = 0, pooled = 0
        var corrupt: [Int64] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            try fm.createDirectory(at: images, withIntermediateDirectories: true)
        } catch {
            throw BankError.io("cannot create \(images.path): \(error)")
        }
        var cursor: String?
        repeat {
            let page = try await bank.browse(InstanceQuery(filter: filter, order: InstanceOrder(.createdAt, descending: false), limit: 500, cursor: cursor))
            let cutouts = try await bank.cutouts(of: page.instances.map(\.id))
            for (instance, cutout) in zip(page.instances, cutouts) {
                // Verify on read: a blob whose bytes no longer match its hash is reported and skipped,
                // never exported as if it were the cutout.
                guard SHA256Digest(hashing: cutout.png) == cutout.sha256 else {
                    logger.error("corrupt blob skipped: its bytes do not match its SHA-256",
                                 metadata: ["instance": "\(instance.id)", "sha256": "\(cutout.sha256)"])
                    corrupt.append(instance.id)
                    continue
                }
                guard let category = categories[instance.categoryId] else {
                    throw BankError.corrupt("instance \(instance.id) has unknown category \(instance.categoryId)")
                }
                let name: String
                if let known = folders[category.id] {
                    name = known
                } else {
                    name = Self.folderName(for: category, taken: used)
                    used.insert(name.lowercased())
                    folders[category.id] = name
                    try create(images.appendingPathComponent(name, isDirectory: true))
                }
                let relative = "images/\(name)/\(instance.id).png"
                let file = root.appendingPathComponent(relative)
                do {
                    try cutout.png.write(to: file)
                } catch {
                    throw BankError.io("cannot write \(file.path): \(error)")
                }
                if let index = category.xpastePoolIndex {
                    pool[index, default: []].append("*" + file.path)
                    pooled += 1
                }
                if sources[instance.sourceId] == nil {
                    sources[instance.sourceId] = try await bank.source(id: instance.sourceId).map {
                        ExportedSource(
                            kind: $0.kind, sha256: $0.sha256, width: $0.width, height: $0.height, mediaType: $0.mediaType,
                            provenance: $0.provenance, clipScore: $0.clipScore)
                    }
                }
                let record = ExportedInstance(
                    file: relative, id: instance.id, categoryId: category.id, category: category.name, sha256: cutout.sha256,
                    width: cutout.width, height: cutout.height, segmenter: instance.segmenter, clipScore: instance.clipScore,
                    areaRatio: instance.areaRatio, box: instance.box.map { [$0.x, $0.y, $0.width, $0.height] },
                    status: instance.status, reason: instance.reason, decidedBy: instance.decidedBy, jobId: instance.jobId, source: sources[instance.sourceId] ?? nil)
                lines.append(try encode(encoder, record))
                lines.append(0x0A)
                count += 1
            }
            cursor = page.nextCursor
            logger.debug("exported page", metadata: ["instances": "\(count)"])
        } while cursor != nil

        let exportedCategories = folders.keys.sorted().map { id in
            let c = categories[id]!
            return ExportedCategory(
                id: c.id, name: c.name, synonyms: c.synonyms, definition: c.definition, synset: c.synset, frequency: c.frequency,
                folder: folders[id]!, xpasteIndex: c.xpastePoolIndex)
        }
        let poolFile = root.appendingPathComponent("pool.json")
        try write(lines, to: root.appendingPathComponent("instances.jsonl"))
        try write(try encode(encoder, exportedCategories), to: root.appendingPathComponent("categories.json"))
        // Keys in numeric order, as X-Paste's clean_pool.py writes them; JSONEncoder would sort them as strings.
        var json = Data("{".utf8)
        for (n, index) in pool.keys.sorted().enumerated() {
            json.append(Data((n == 0 ? "\n" : ",\n").utf8))
            json.append(Data("\"\(index)\": ".utf8))
            json.append(try encode(encoder, pool[index]!))
        }
        json.append(Data("\n}\n".utf8))
        try write(json, to: poolFile)
        logger.info("exported instances", metadata: ["folder": "\(root.path)", "instances": "\(count)", "categories": "\(folders.count)"])
        return ExportSummary(folder: root, poolFile: poolFile, instances: count, categories: folders.count, pooledInstances: pooled,
                             corruptInstances: corrupt)
    }

    /// A folder name for the category: its name with path separators and leading dots replaced, made
    /// unique (case-insensitively, for case-insensitive file systems) by appending the id.
    static func folderName(for category: BankCategory, taken: Set<String>) -> String {
        var name = String(category.name.map { "/\\:\0".contains($0) || $0.isNewline ? "_" : $0 })
        while name.hasPrefix(".") { name = "_" + name.dropFirst() }
        if name.isEmpty { name = "category" }
        if taken.contains(name.lowercased()) { name += "-\(category.id)" }
        return name
    }

    private func create(_ url: URL) throws(BankError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw BankError.io("cannot create \(url.path): \(error)")
        }
    }

    private func write(_ data: Data, to url: URL) throws(BankError) {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw BankError.io("cannot write \(url.path): \(error)")
        }
    }

    private func encode<T: Encodable>(_ encoder: JSONEncoder, _ value: T) throws(BankError) -> Data {
        do {
            return try encoder.encode(value)
        } catch {
            throw BankError.io("cannot encode export record: \(error)")
        }
    }
}
