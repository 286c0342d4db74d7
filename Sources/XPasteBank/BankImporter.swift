import Foundation
import Logging
import XPasteImage

/// Seeds a bank from files users already have: an X-Paste instance pool, a folder of RGBA PNGs
/// with one sub-folder per category, or (with `importCOCO`) the instances of a COCO/LVIS file.
///
/// Work goes in batches: each batch's files are decoded and cleaned up in parallel, then written in
/// one transaction, so an interrupted import leaves whole batches and nothing half-written; running
/// it again skips what is already there (same cutout, same category).
public struct BankImporter: Sendable {
    /// How imported cutouts are recorded.
    public struct Options: Sendable {
        /// Files per transaction.
        public var batchSize: Int
        /// Status of imported cutouts (a user's own pool is usually already curated).
        public var status: InstanceStatus
        /// Who decided that status.
        public var decidedBy: Decider
        /// Segmenter name recorded for files whose mask came with them.
        public var segmenter: String
        /// Job to file the imported instances under.
        public var jobId: String?
        /// Decoder limits for imported files.
        public var limits: DecodeLimits
        /// Longest side of the thumbnails made for the browser; nil makes none.
        public var thumbnailMaxSide: Int?
        /// COCO/LVIS import: also import crowd annotations (`iscrowd` = 1), which usually cover
        /// several objects at once.
        public var includeCrowd: Bool
        /// Folder import: store files as they are (converted to RGBA PNG), without X-Paste's
        /// clean-up (alpha ≤ 128 dropped, largest component only, cropped).
        public var asIs: Bool

        /// Creates options.
        public init(
            batchSize: Int = 64, status: InstanceStatus = .accepted, decidedBy: Decider = .person, segmenter: String = "import",
            jobId: String? = nil, limits: DecodeLimits = .default, thumbnailMaxSide: Int? = ThumbnailMaker.defaultMaxSide,
            includeCrowd: Bool = false, asIs: Bool = false
        ) {
            self.batchSize = batchSize
            self.status = status
            self.decidedBy = decidedBy
            self.segmenter = segmenter
            self.jobId = jobId
            self.limits = limits
            self.thumbnailMaxSide = thumbnailMaxSide
            self.includeCrowd = includeCrowd
            self.asIs = asIs
        }
    }

    /// The bank to write.
    public let bank: any InstanceBank
    /// Where progress is logged.
    public let logger: Logger
    /// How cutouts are recorded.
    public let options: Options

    /// Creates an importer.
    public init(bank: any InstanceBank, logger: Logger, options: Options = .init()) {
        self.bank = bank
        self.logger = logger
        self.options = options
    }

    /// How one file becomes a cutout.
    enum Preparation: Sendable {
        /// Already cleaned up: stored as is (X-Paste `*path`, our exports).
        case asIs
        /// X-Paste's clean-up (largest component of alpha > 128), optionally with a separate mask file.
        case cleanup(mask: String?)
    }

    /// One file to import.
    struct Item: Sendable {
        var path: String
        var preparation: Preparation
        var categoryId: Int64
        /// Metadata from an xpaste export's `instances.jsonl`.
        var record: ExportedInstance?
    }

    // MARK: X-Paste pool

    /// Imports an X-Paste instance pool file: a JSON object from the 0-based LVIS category index to
    /// a list of image paths (`*path` used as is, `image|mask` with a separate alpha, a plain path
    /// cleaned up as X-Paste does on load). Relative paths are resolved against the pool file's
    /// folder. Categories missing from the bank are created with their LVIS id and the name from a
    /// `categories.json` beside the pool (an xpaste export), else `lvis_<id>` until the LVIS
    /// vocabulary is loaded.
    public func importPool(_ poolFile: URL) async throws(BankError) -> ImportSummary {
        guard Self.isRegularFile(poolFile.path) else {
            throw BankError.io("cannot read \(poolFile.path): missing or not a regular file")
        }
        let data: Data
        do { data = try Data(contentsOf: poolFile, options: .mappedIfSafe) } catch {
            throw BankError.io("cannot read \(poolFile.path): \(error.localizedDescription)")
        }
        let folder = poolFile.deletingLastPathComponent()
        let pool = try PoolFile(data, path: poolFile.path, folder: folder)
        var summary = ImportSummary()
        let exported = try await exportMetadata(in: folder, summary: &summary)
        var items: [Item] = []
        for entry in pool.entries {
            let categoryId = entry.categoryId
            if try await bank.category(id: categoryId) == nil {
                let name = exported.categories[categoryId]?.name ?? "lvis_\(categoryId)"
                try await bank.upsertCategories([exported.categories[categoryId]?.category ?? BankCategory(id: categoryId, name: name)])
                summary.categoriesCreated.append(name)
            }
            items.append(Item(
                path: entry.path, preparation: entry.asIs ? .asIs : .cleanup(mask: entry.mask), categoryId: categoryId,
                record: exported.records[entry.path]))
        }
        logger.info("importing X-Paste pool", metadata: ["file": "\(poolFile.path)", "entries": "\(items.count)"])
        try await run(items, into: &summary)
        return summary
    }

    // MARK: Folder

    /// The clean-up a folder import applies, as the summary and `--help` state it.
    public static let folderCleanup = "X-Paste's clean-up: alpha ≤ 128 is background, only the largest connected component is kept (holes filled), cropped to it"

    /// File extensions a folder import reads.
    public static let folderExtensions: Set<String> = ["png", "webp", "jpg", "jpeg"]

    /// Imports a folder with one sub-folder per category holding cutouts (PNG, WebP, JPEG; files
    /// in nested folders belong to their top-level category folder). The alpha is the mask, cleaned
    /// up as X-Paste does (`folderCleanup`) unless `options.asIs`; a file without alpha is imported
    /// as a full-rectangle object and listed in `withoutAlpha`. The sub-folder name is the
    /// category: an existing category by name, normalised name or synonym, a number naming an LVIS
    /// category id the bank holds, else a new user category. Files outside a category folder and
    /// files of other types are skipped and listed with the reason. An xpaste export folder (with
    /// `instances.jsonl`) is read back with its category ids, scores, boxes and source provenance.
    public func importFolder(_ folder: URL) async throws(BankError) -> ImportSummary {
        let root = folder.standardizedFileURL
        var summary = ImportSummary()
        let exported = try await exportMetadata(in: root, summary: &summary)
        var items: [Item] = []
        if !exported.records.isEmpty {
            for (path, record) in exported.records.sorted(by: { $0.value.id < $1.value.id }) {
                items.append(Item(path: path, preparation: .asIs, categoryId: record.categoryId, record: record))
            }
        } else {
            summary.cleanup = options.asIs ? "none (--as-is): files stored as they are" : Self.folderCleanup
            let fm = FileManager.default
            let names: [String]
            do {
                names = try fm.contentsOfDirectory(atPath: root.path).sorted()
            } catch {
                throw BankError.invalidImport("cannot list \(root.path): \(error)")
            }
            for name in names where !name.hasPrefix(".") {
                let sub = root.appendingPathComponent(name, isDirectory: true)
                var isDirectory: ObjCBool = false
                guard fm.fileExists(atPath: sub.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                    summary.skipped.append(.init(path: sub.path, reason: "not inside a category folder (the sub-folder name is the category)"))
                    continue
                }
                var files: [String] = []
                for relative in ((try? fm.subpathsOfDirectory(atPath: sub.path)) ?? []).sorted() {
                    let path = sub.appendingPathComponent(relative).path
                    var isDir: ObjCBool = false
                    guard fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
                          !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else { continue }
                    guard Self.isRegularFile(path) else {
                        summary.skipped.append(.init(path: path, reason: "not a regular file (a FIFO, device or socket)"))
                        continue
                    }
                    if Self.folderExtensions.contains((relative as NSString).pathExtension.lowercased()) {
                        files.append(path)
                    } else {
                        summary.skipped.append(.init(path: path, reason: "not a PNG, WebP or JPEG file"))
                    }
                }
                guard !files.isEmpty else { continue }
                let category: BankCategory
                if let existing = try await bank.category(named: name) {
                    category = existing
                } else if let id = Int64(name), id > 0, id < BankCategory.userIdBase {
                    // A folder named by an LVIS id ("569") is that category; it must be in the bank.
                    guard let lvis = try await bank.category(id: id) else {
                        for file in files { summary.skipped.append(.init(path: file, reason: "folder \(name) names category id \(id), which the bank does not hold (load the LVIS vocabulary first)")) }
                        continue
                    }
                    category = lvis
                } else {
                    category = try await bank.userCategory(named: name)
                    summary.categoriesCreated.append(category.name)
                }
                for file in files {
                    items.append(Item(path: file, preparation: options.asIs ? .asIs : .cleanup(mask: nil), categoryId: category.id))
                }
            }
        }
        logger.info("importing folder", metadata: ["folder": "\(root.path)", "files": "\(items.count)"])
        try await run(items, into: &summary)
        return summary
    }

    // MARK: Shared

    /// `categories.json` and `instances.jsonl` of an xpaste export in `folder`, when present;
    /// categories are upserted so ids and names survive the round trip.
    private func exportMetadata(
        in folder: URL, summary: inout ImportSummary
    ) async throws(BankError) -> (categories: [Int64: ExportedCategory], records: [String: ExportedInstance]) {
        let categoriesFile = folder.appendingPathComponent("categories.json")
        let recordsFile = folder.appendingPathComponent("instances.jsonl")
        func contents(_ url: URL) -> Data? { Self.isRegularFile(url.path) ? FileManager.default.contents(atPath: url.path) : nil }
        let manifest = try ExportManifest(
            categories: contents(categoriesFile), categoriesPath: categoriesFile.path, records: contents(recordsFile), recordsPath: recordsFile.path)
        var categories: [Int64: ExportedCategory] = [:]
        for c in manifest.categories {
            categories[c.id] = c
            if try await bank.category(id: c.id) == nil {
                try await bank.upsertCategories([c.category])
                summary.categoriesCreated.append(c.name)
            }
        }
        var records: [String: ExportedInstance] = [:]
        for (line, record) in manifest.records {
            var known = categories[record.categoryId] != nil
            if !known { known = try await bank.category(id: record.categoryId) != nil }
            guard known else {
                throw BankError.invalidImport("\(recordsFile.path) line \(line): category \(record.categoryId) is not in categories.json")
            }
            records[folder.appendingPathComponent(record.file).standardizedFileURL.path] = record
        }
        return (categories, records)
    }

    /// A cutout ready to write, with the source it came from (its `sourceId` is filled in when the
    /// source row is written).
    struct PendingCutout: Sendable {
        var source: NewSource
        var instance: NewInstance
        /// The file had no alpha: the whole rectangle became the object.
        var withoutAlpha = false
    }

    /// Prepares and writes `items` batch by batch.
    func run(_ items: [Item], into summary: inout ImportSummary) async throws(BankError) {
        let batchSize = max(1, options.batchSize)
        for start in stride(from: 0, to: items.count, by: batchSize) {
            let batch = Array(items[start..<min(start + batchSize, items.count)])
            let prepared = await parallelMap(batch) { item throws(BankError) in try pending(for: item) }
            summary.files += batch.count
            var ready: [PendingCutout] = []
            for (item, result) in zip(batch, prepared) {
                switch result {
                case .success(let cutout?):
                    ready.append(cutout)
                    if cutout.withoutAlpha { summary.withoutAlpha.append(item.path) }
                case .success(nil): summary.skipped.append(.init(path: item.path, reason: "no object left after clean-up (alpha ≤ 128 everywhere)"))
                case .failure(let error): summary.skipped.append(.init(path: item.path, reason: error.description))
                }
            }
            try await commit(ready, into: &summary)
        }
        logger.info("import finished", metadata: [
            "files": "\(summary.files)", "imported": "\(summary.imported)", "duplicates": "\(summary.duplicates)",
            "skipped": "\(summary.skipped.count)",
        ])
    }

    /// Runs `body` over `inputs` on all cores (decoding and clean-up are CPU-bound and the codecs
    /// are thread-safe), keeping the order.
    /// `concurrentPerform` blocks its caller, so it runs on a thread off the cooperative pool.
    func parallelMap<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], _ body: @escaping @Sendable (Input) throws(BankError) -> Output
    ) async -> [Result<Output, BankError>] {
        await BlockingWork.run { () -> [Result<Output, BankError>] in
            let results = ResultSlots<Output>(count: inputs.count)
            DispatchQueue.concurrentPerform(iterations: inputs.count) { i in
                results[i] = Result { () throws(BankError) in try body(inputs[i]) }
            }
            return results.values
        }
    }

    /// One file made into a cutout with its thumbnail and records; nil when no object is left.
    private func pending(for item: Item) throws(BankError) -> PendingCutout? {
        let limits = options.limits
        let bytes = try Self.read(item.path, limits: limits)
        let prepared: CutoutPreparer.Prepared?
        switch item.preparation {
        case .asIs:
            prepared = try CutoutPreparer.asIs(bytes, limits: limits)
        case .cleanup(let maskPath):
            let mask = try maskPath.map { (p: String) throws(BankError) in try Self.read(p, limits: limits) }
            prepared = try CutoutPreparer.xpasteCleanup(bytes, mask: mask, limits: limits)
        }
        guard let prepared else { return nil }
        let source: NewSource
        if let record = item.record, let s = record.source {
            source = NewSource(
                kind: s.kind, sha256: s.sha256, width: s.width, height: s.height, provenance: s.provenance,
                categoryId: item.categoryId, jobId: record.jobId, mediaType: s.mediaType, clipScore: s.clipScore, status: .extracted)
        } else {
            source = NewSource(
                kind: .uploaded, sha256: SHA256Digest(hashing: bytes), width: prepared.sourceWidth, height: prepared.sourceHeight,
                provenance: SourceProvenance(url: URL(fileURLWithPath: item.path).absoluteString),
                categoryId: item.categoryId, jobId: options.jobId, mediaType: ImageFormat.sniff(bytes).map { "image/\($0.rawValue)" },
                status: .extracted)
        }
        var instance = try newInstance(prepared, categoryId: item.categoryId, reason: "imported from \(item.path)")
        if let record = item.record {
            instance.segmenter = record.segmenter
            instance.jobId = record.jobId
            instance.clipScore = record.clipScore
            instance.areaRatio = record.areaRatio
            instance.box = record.box.flatMap { $0.count == 4 ? PixelBox(x: $0[0], y: $0[1], width: $0[2], height: $0[3]) : nil }
            instance.status = record.status
            instance.reason = record.reason
            instance.decidedBy = record.status == .pending ? nil : (record.decidedBy ?? options.decidedBy)
        }
        return PendingCutout(source: source, instance: instance, withoutAlpha: prepared.withoutAlpha)
    }

    /// The instance record of a prepared cutout with the import's status and a thumbnail.
    func newInstance(_ prepared: CutoutPreparer.Prepared, categoryId: Int64, reason: String) throws(BankError) -> NewInstance {
        let decided = options.status != .pending
        return NewInstance(
            sourceId: 0, categoryId: categoryId, segmenter: options.segmenter, cutout: prepared.cutout,
            thumbnail: try options.thumbnailMaxSide.map { (side: Int) throws(BankError) in
                try ThumbnailMaker.thumbnail(of: prepared.cutout, maxSide: side)
            },
            box: prepared.box, areaRatio: prepared.areaRatio, status: options.status, reason: decided ? reason : nil,
            decidedBy: decided ? options.decidedBy : nil, jobId: options.jobId)
    }

    /// Whether `path` is a regular file or a link to one (stat follows links); a FIFO, device or
    /// socket is never opened, so it cannot block an import.
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    static func read(_ path: String, limits: DecodeLimits) throws(BankError) -> [UInt8] {
        do {
            return try ImageCodec.readFile(path, limits: limits)
        } catch {
            throw BankError.invalidImport("\(path): \(error)")
        }
    }

    /// Writes one batch in one transaction (sources, then their instances) and counts it.
    func commit(_ ready: [PendingCutout], into summary: inout ImportSummary) async throws(BankError) {
        guard !ready.isEmpty else { return }
        let inserted: Int
        do {
            inserted = try await bank.write { writer in
                var inserted = 0
                for cutout in ready {
                    var instance = cutout.instance
                    instance.sourceId = try writer.addSource(cutout.source).id
                    if try writer.addInstance(instance).inserted { inserted += 1 }
                }
                return inserted
            }
        } catch {
            throw BankErrorMapping.map(error)
        }
        summary.imported += inserted
        summary.duplicates += ready.count - inserted
        logger.debug("import batch committed", metadata: ["imported": "\(summary.imported)", "duplicates": "\(summary.duplicates)"])
    }
}

/// Result slots that parallel workers fill by index (each slot written by exactly one worker).
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<Value, BankError>?]

    init(count: Int) {
        storage = Array(repeating: nil, count: count)
    }

    subscript(index: Int) -> Result<Value, BankError> {
        get { lock.withLock { storage[index]! } }
        set { lock.withLock { storage[index] = newValue } }
    }

    var values: [Result<Value, BankError>] { lock.withLock { storage.map { $0! } } }
}
