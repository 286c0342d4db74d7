import Foundation
import GRDB

/// `BankWriter` over one GRDB write transaction.
final class SQLiteBankWriter: BankWriter {
    private let db: Database
    private let configuration: BankConfiguration
    private let files: SourceFileStore
    private let faults: BankFaultInjector?
    /// Kind and job of sources this transaction has looked up (a batch usually shares one source).
    private var sourceInfo: [Int64: (kind: String, jobId: String?)] = [:]
    private var knownCategories: Set<Int64> = []

    init(db: Database, configuration: BankConfiguration, files: SourceFileStore, faults: BankFaultInjector?) {
        self.db = db
        self.configuration = configuration
        self.files = files
        self.faults = faults
    }

    // MARK: Categories

    func upsertCategories(_ categories: [BankCategory]) throws(BankError) {
        for category in categories {
            guard category.id >= 1 else { throw BankError.invalidCategory("id \(category.id) is not positive") }
            let name = category.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty else { throw BankError.invalidCategory("category \(category.id) has an empty name") }
            let holder = try run { try Int64.fetchOne(db, sql: "SELECT id FROM category WHERE name = ?", arguments: [name]) }
            if let holder, holder != category.id {
                throw BankError.invalidCategory("name \"\(name)\" is already used by category \(holder)")
            }
            let synonyms = String(decoding: (try? JSONEncoder().encode(category.synonyms)) ?? Data("[]".utf8), as: UTF8.self)
            try run {
                try db.execute(
                    sql: """
                        INSERT INTO category (id, name, synonyms, definition, synset, frequency, image_count, instance_count, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET name = excluded.name, synonyms = excluded.synonyms,
                            definition = excluded.definition, synset = excluded.synset, frequency = excluded.frequency,
                            image_count = excluded.image_count, instance_count = excluded.instance_count
                        """,
                    arguments: [
                        category.id, name, synonyms, category.definition, category.synset, category.frequency?.rawValue,
                        category.imageCount, category.instanceCount, BankTime.now(),
                    ])
            }
            knownCategories.insert(category.id)
        }
    }

    func userCategory(named name: String) throws(BankError) -> BankCategory {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw BankError.invalidCategory("empty category name") }
        if let existing = try run({ try SQLiteBankRows.category(named: trimmed, db) }) { return existing }
        let maxUser = try run { try Int64.fetchOne(db, sql: "SELECT max(id) FROM category WHERE id >= ?", arguments: [BankCategory.userIdBase]) }
        let category = BankCategory(id: (maxUser ?? BankCategory.userIdBase - 1) + 1, name: trimmed)
        try upsertCategories([category])
        return category
    }

    func moveCategory(_ from: Int64, to target: BankCategory) throws(BankError) -> Int {
        guard from != target.id else { try upsertCategories([target]); return 0 }
        try requireCategory(from)
        let before = try run { try Int.fetchOne(db, sql: "SELECT count(*) FROM instance WHERE category_id = ?", arguments: [from]) ?? 0 }
        // The old row may hold the target's name ("horse" as a user category): free it first.
        try run { try db.execute(sql: "UPDATE category SET name = name || ' #' || id WHERE id = ?", arguments: [from]) }
        try upsertCategories([target])
        let duplicates = try run {
            try Int64.fetchAll(db, sql: """
                SELECT i.id FROM instance i WHERE i.category_id = ?
                AND EXISTS (SELECT 1 FROM instance j WHERE j.category_id = ? AND j.cutout_blob_id = i.cutout_blob_id)
                """, arguments: [from, target.id])
        }
        if !duplicates.isEmpty { _ = try deleteInstances(.ids(duplicates)) }
        try run {
            try db.execute(sql: "UPDATE instance SET category_id = ? WHERE category_id = ?", arguments: [target.id, from])
            try db.execute(sql: "UPDATE source SET category_id = ? WHERE category_id = ?", arguments: [target.id, from])
            try db.execute(sql: "DELETE FROM category_count WHERE category_id = ? AND n = 0", arguments: [from])
            try db.execute(sql: "DELETE FROM category WHERE id = ?", arguments: [from])
        }
        knownCategories.remove(from)
        return before - duplicates.count
    }

    private func requireCategory(_ id: Int64) throws(BankError) {
        if knownCategories.contains(id) { return }
        guard try lookup("SELECT id FROM category WHERE id = ?", [id]) != nil else {
            throw BankError.invalidCategory("no category with id \(id)")
        }
        knownCategories.insert(id)
    }

    // MARK: Sources

    func addSource(_ source: NewSource) throws(BankError) -> Insertion {
        guard source.width > 0, source.height > 0 else {
            throw BankError.invalidArgument("source size \(source.width)×\(source.height)")
        }
        if let existing = try lookup("SELECT id FROM source WHERE sha256 = ?", [source.sha256.data]) {
            return Insertion(id: existing, inserted: false)
        }
        if let categoryId = source.categoryId { try requireCategory(categoryId) }
        try checkFinite(source.clipScore, "source CLIP score")
        try checkFinite(source.provenance.guidance, "guidance")
        var storage = SourceStorage.none
        var blobId: Int64?
        if let bytes = source.bytes {
            guard SHA256Digest(hashing: bytes) == source.sha256 else {
                throw BankError.invalidArgument("source bytes do not match the given sha256")
            }
            if bytes.count > configuration.sourceFolderThreshold {
                try files.write(bytes, sha256: source.sha256)
                storage = .file
            } else {
                blobId = try putBlob(bytes, sha256: source.sha256, mediaType: source.mediaType ?? "application/octet-stream")
                storage = .blob
            }
        }
        try fault(.sourceBytesWritten)
        let p = source.provenance
        let seed: Int64? = p.seed.map { Int64(bitPattern: $0) }
        let created = source.createdAt.map(BankTime.millis) ?? BankTime.now()
        try run {
            try db.execute(
                sql: """
                    INSERT INTO source (kind, category_id, job_id, sha256, width, height, media_type, storage, image_blob_id,
                        url, licence, author, prompt, negative_prompt, seed, model_id, scheduler, steps, guidance,
                        clip_score, status, error, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    source.kind.rawValue, source.categoryId, source.jobId, source.sha256.data, source.width, source.height,
                    source.mediaType, storage.rawValue, blobId, p.url, p.licence, p.author, p.prompt, p.negativePrompt, seed,
                    p.modelId, p.scheduler, p.steps, p.guidance, source.clipScore, source.status.rawValue, source.error, created,
                ])
        }
        let id = db.lastInsertedRowID
        sourceInfo[id] = (source.kind.rawValue, source.jobId)
        return Insertion(id: id, inserted: true)
    }

    func updateSource(id: Int64, status: SourceStatus, error: String?, clipScore: Double?) throws(BankError) {
        try checkFinite(clipScore, "source CLIP score")
        try run {
            try db.execute(
                sql: "UPDATE source SET status = ?, error = ?, clip_score = ? WHERE id = ?",
                arguments: [status.rawValue, error, clipScore, id])
        }
        guard db.changesCount == 1 else { throw BankError.unknownSource(id) }
    }

    // MARK: Instances

    func addInstance(_ instance: NewInstance) throws(BankError) -> Insertion {
        guard instance.cutout.isRGBA8 else {
            let h = instance.cutout.header
            throw BankError.invalidBlob("cutout must be an 8-bit RGBA PNG, got colour type \(h.colorType) at \(h.bitDepth) bits")
        }
        let segmenter = instance.segmenter.trimmingCharacters(in: .whitespaces)
        guard !segmenter.isEmpty else { throw BankError.invalidArgument("segmenter name is empty") }
        try checkFinite(instance.clipScore, "CLIP score")
        if let area = instance.areaRatio, !(area.isFinite && area >= 0) {
            throw BankError.invalidArgument("area ratio \(area) is not a finite non-negative number")
        }
        if let box = instance.box, box.isEmpty || box.x < 0 || box.y < 0 {
            throw BankError.invalidArgument("box \(box) is empty or outside the image")
        }
        if instance.status != .pending && instance.decidedBy == nil {
            throw BankError.invalidArgument("status \(instance.status.rawValue) needs decidedBy (filter or person)")
        }
        let source = try sourceKindAndJob(instance.sourceId)
        try requireCategory(instance.categoryId)

        let cutoutBlob = try lookup("SELECT id FROM blob WHERE sha256 = ?", [instance.cutout.sha256.data])
        if let cutoutBlob,
           let existing = try lookup("SELECT id FROM instance WHERE cutout_blob_id = ? AND category_id = ?", [cutoutBlob, instance.categoryId]) {
            return Insertion(id: existing, inserted: false)
        }
        let cutoutId: Int64
        if let cutoutBlob {
            cutoutId = cutoutBlob
        } else {
            cutoutId = try insertBlob(instance.cutout.data, sha256: instance.cutout.sha256, mediaType: "image/png")
        }
        var thumbnailId: Int64?
        if let thumbnail = instance.thumbnail {
            thumbnailId = try putBlob(thumbnail.data, sha256: thumbnail.sha256, mediaType: "image/png")
        }
        try fault(.instanceBlobsWritten)
        let now = BankTime.now()
        let created = instance.createdAt.map(BankTime.millis) ?? now
        let decidedAt: Int64? = instance.status == .pending ? nil : created
        try run {
            let statement = try db.cachedStatement(sql: """
                INSERT INTO instance (source_id, category_id, source_kind, job_id, segmenter, cutout_blob_id, thumbnail_blob_id,
                    width, height, box_x, box_y, box_width, box_height, area_ratio, clip_score, status, reason, decided_by,
                    decided_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            try statement.execute(arguments: [
                instance.sourceId, instance.categoryId, source.kind, instance.jobId ?? source.jobId, segmenter, cutoutId,
                thumbnailId, instance.cutout.header.width, instance.cutout.header.height, instance.box?.x, instance.box?.y,
                instance.box?.width, instance.box?.height, instance.areaRatio, instance.clipScore, instance.status.rawValue,
                instance.reason, instance.decidedBy?.rawValue, decidedAt, created,
            ])
        }
        return Insertion(id: db.lastInsertedRowID, inserted: true)
    }

    func setClipScore(_ score: Double?, forInstance id: Int64) throws(BankError) {
        try checkFinite(score, "CLIP score")
        try run { try db.execute(sql: "UPDATE instance SET clip_score = ? WHERE id = ?", arguments: [score, id]) }
        guard db.changesCount == 1 else { throw BankError.unknownInstance(id) }
    }

    func setStatus(
        _ status: InstanceStatus, reason: String?, decidedBy: Decider?, for selection: InstanceSelection
    ) throws(BankError) -> Int {
        if status != .pending && decidedBy == nil {
            throw BankError.invalidArgument("status \(status.rawValue) needs decidedBy (filter or person)")
        }
        let decidedAt: Int64? = status == .pending ? nil : BankTime.now()
        let set = "UPDATE instance SET status = ?, reason = ?, decided_by = ?, decided_at = ? WHERE "
        let values: [(any DatabaseValueConvertible)?] = [status.rawValue, reason, decidedBy?.rawValue, decidedAt]
        var changed = 0
        try forEachSelectionChunk(selection) { (clause, arguments) throws(BankError) in
            try run {
                try db.execute(sql: set + clause, arguments: StatementArguments(values) + arguments)
            }
            changed += db.changesCount
        }
        return changed
    }

    func deleteInstances(_ selection: InstanceSelection) throws(BankError) -> DeletionSummary {
        var summary = DeletionSummary()
        var candidates = Set<Int64>()
        try forEachSelectionChunk(selection) { (clause, arguments) throws(BankError) in
            let rows = try run {
                try Row.fetchAll(
                    db, sql: "DELETE FROM instance WHERE \(clause) RETURNING cutout_blob_id, thumbnail_blob_id",
                    arguments: arguments)
            }
            summary.instances += rows.count
            for row in rows {
                candidates.insert(row[0])
                if let thumb: Int64 = row[1] { candidates.insert(thumb) }
            }
        }
        let ids = candidates.sorted()
        for start in stride(from: 0, to: ids.count, by: Self.chunk) {
            let chunk = Array(ids[start..<min(start + Self.chunk, ids.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            let sizes = try run {
                try Int64.fetchAll(
                    db,
                    sql: """
                        DELETE FROM blob WHERE id IN (\(marks))
                            AND NOT EXISTS (SELECT 1 FROM instance WHERE cutout_blob_id = blob.id)
                            AND NOT EXISTS (SELECT 1 FROM instance WHERE thumbnail_blob_id = blob.id)
                            AND NOT EXISTS (SELECT 1 FROM source WHERE image_blob_id = blob.id)
                        RETURNING size
                        """,
                    arguments: StatementArguments(chunk))
            }
            summary.blobs += sizes.count
            summary.blobBytes += sizes.reduce(0, +)
        }
        return summary
    }

    // MARK: Helpers

    /// Id lists go in chunks well under SQLite's bound-parameter limit.
    static let chunk = 500

    private func forEachSelectionChunk(
        _ selection: InstanceSelection, _ body: (String, StatementArguments) throws(BankError) -> Void
    ) throws(BankError) {
        switch selection {
        case .ids(let ids):
            let unique = Array(Set(ids)).sorted()
            for start in stride(from: 0, to: unique.count, by: Self.chunk) {
                let chunk = Array(unique[start..<min(start + Self.chunk, unique.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                try body("id IN (\(marks))", StatementArguments(chunk))
            }
        case .filter(let filter):
            let clause = try run { try InstanceSQL.whereClause(filter, db) }
            guard let clause else { return }
            try body(clause.sql.isEmpty ? "1" : clause.sql, clause.arguments)
        }
    }

    private func sourceKindAndJob(_ id: Int64) throws(BankError) -> (kind: String, jobId: String?) {
        if let info = sourceInfo[id] { return info }
        guard let row = try run({ try Row.fetchOne(db, sql: "SELECT kind, job_id FROM source WHERE id = ?", arguments: [id]) }) else {
            throw BankError.unknownSource(id)
        }
        let info: (kind: String, jobId: String?) = (row[0], row[1])
        sourceInfo[id] = info
        return info
    }

    /// The blob's id, inserting it when the bank does not hold these bytes yet.
    private func putBlob(_ data: Data, sha256: SHA256Digest, mediaType: String) throws(BankError) -> Int64 {
        if let id = try lookup("SELECT id FROM blob WHERE sha256 = ?", [sha256.data]) { return id }
        return try insertBlob(data, sha256: sha256, mediaType: mediaType)
    }

    private func insertBlob(_ data: Data, sha256: SHA256Digest, mediaType: String) throws(BankError) -> Int64 {
        try run {
            let statement = try db.cachedStatement(sql: "INSERT INTO blob (sha256, media_type, size, data) VALUES (?, ?, ?, ?)")
            try statement.execute(arguments: [sha256.data, mediaType, data.count, data])
        }
        return db.lastInsertedRowID
    }

    /// One id from a cached statement: the lookups run once per written row.
    private func lookup(_ sql: String, _ arguments: StatementArguments) throws(BankError) -> Int64? {
        try run { try Int64.fetchOne(db.cachedStatement(sql: sql), arguments: arguments) }
    }

    private func fault(_ point: BankWritePoint) throws(BankError) {
        guard let faults else { return }
        do {
            try faults(point)
        } catch {
            throw BankErrorMapping.map(error)
        }
    }

    private func checkFinite(_ value: Double?, _ what: String) throws(BankError) {
        if let value, !value.isFinite { throw BankError.invalidArgument("\(what) \(value) is not finite") }
    }

    private func run<T>(_ body: () throws -> T) throws(BankError) -> T {
        try BankErrorMapping.run(body)
    }
}
