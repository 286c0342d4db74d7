import Foundation
import Logging
import NIOCore
import PostgresNIO
import XPasteBank

/// `BankWriter` over one PostgreSQL transaction. It runs on a thread of `BlockingWork` (never the
/// cooperative pool) and waits there for each statement, so a transaction reads as straight-line
/// code with the same checks, in the same order, as the SQLite writer's.
final class PostgresBankWriter: BankWriter {
    private let connection: PostgresConnection
    private let logger: Logger
    /// Kind and job of sources this transaction has looked up (a batch usually shares one source).
    private var sourceInfo: [Int64: (kind: String, jobId: String?)] = [:]
    private var knownCategories: Set<Int64> = []

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    // MARK: Categories

    func upsertCategories(_ categories: [BankCategory]) throws(BankError) {
        for category in categories {
            guard category.id >= 1 else { throw BankError.invalidCategory("id \(category.id) is not positive") }
            let name = category.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty else { throw BankError.invalidCategory("category \(category.id) has an empty name") }
            if let holder = try int("SELECT id FROM category WHERE lower(name) = lower(\(name))"), holder != category.id {
                throw BankError.invalidCategory("name \"\(name)\" is already used by category \(holder)")
            }
            let synonyms = String(decoding: (try? JSONEncoder().encode(category.synonyms)) ?? Data("[]".utf8), as: UTF8.self)
            let frequency = category.frequency?.rawValue, now = BankTime.now()
            let images = category.imageCount.map(Int64.init), instances = category.instanceCount.map(Int64.init)
            try run("""
                INSERT INTO category (id, name, synonyms, definition, synset, frequency, image_count, instance_count, created_at)
                VALUES (\(category.id), \(name), \(synonyms)::jsonb, \(category.definition), \(category.synset), \(frequency),
                    \(images), \(instances), \(now))
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, synonyms = excluded.synonyms,
                    definition = excluded.definition, synset = excluded.synset, frequency = excluded.frequency,
                    image_count = excluded.image_count, instance_count = excluded.instance_count
                """)
            knownCategories.insert(category.id)
        }
    }

    func userCategory(named name: String) throws(BankError) -> BankCategory {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw BankError.invalidCategory("empty category name") }
        if let existing = try category(named: trimmed) { return existing }
        // Two hosts naming new categories at once would both pick max + 1: the lock (held to the
        // end of this transaction) makes the second wait and see the first one's row.
        try run("SELECT pg_advisory_xact_lock(\(PostgresBankSchema.migrationLock + 1))")
        if let existing = try category(named: trimmed) { return existing }
        let base = BankCategory.userIdBase
        let maxUser = try int("SELECT max(id) FROM category WHERE id >= \(base)")
        let category = BankCategory(id: (maxUser ?? base - 1) + 1, name: trimmed)
        try upsertCategories([category])
        return category
    }

    func moveCategory(_ from: Int64, to target: BankCategory) throws(BankError) -> Int {
        guard from != target.id else { try upsertCategories([target]); return 0 }
        try requireCategory(from)
        let before = try int("SELECT count(*) FROM instance WHERE category_id = \(from)") ?? 0
        try run("UPDATE category SET name = name || ' #' || id WHERE id = \(from)")
        try upsertCategories([target])
        let duplicates = try ints("""
            SELECT i.id FROM instance i WHERE i.category_id = \(from)
            AND EXISTS (SELECT 1 FROM instance j WHERE j.category_id = \(target.id) AND j.cutout_blob_id = i.cutout_blob_id)
            """)
        if !duplicates.isEmpty { _ = try deleteInstances(.ids(duplicates)) }
        try run("UPDATE instance SET category_id = \(target.id) WHERE category_id = \(from)")
        try run("UPDATE source SET category_id = \(target.id) WHERE category_id = \(from)")
        try run("DELETE FROM category_count WHERE category_id = \(from) AND n = 0")
        try run("DELETE FROM category WHERE id = \(from)")
        knownCategories.remove(from)
        return Int(before) - duplicates.count
    }

    // MARK: Sources

    func addSource(_ source: NewSource) throws(BankError) -> Insertion {
        guard source.width > 0, source.height > 0 else {
            throw BankError.invalidArgument("source size \(source.width)×\(source.height)")
        }
        let sha = ByteBuffer(bytes: source.sha256.bytes)
        if let existing = try int("SELECT id FROM source WHERE sha256 = \(sha)") { return Insertion(id: existing, inserted: false) }
        if let categoryId = source.categoryId { try requireCategory(categoryId) }
        try checkFinite(source.clipScore, "source CLIP score")
        try checkFinite(source.provenance.guidance, "guidance")
        var storage = SourceStorage.none
        var blobId: Int64?
        if let bytes = source.bytes {
            guard SHA256Digest(hashing: bytes) == source.sha256 else {
                throw BankError.invalidArgument("source bytes do not match the given sha256")
            }
            // Every kept source is a blob here: a database shared by many hosts has no folder beside it.
            blobId = try putBlob(bytes, sha256: source.sha256, mediaType: source.mediaType ?? "application/octet-stream")
            storage = .blob
        }
        let p = source.provenance
        let seed: Int64? = p.seed.map { Int64(bitPattern: $0) }
        let created = source.createdAt.map(BankTime.millis) ?? BankTime.now()
        let kind = source.kind.rawValue, status = source.status.rawValue, storageName = storage.rawValue
        let width = Int32(source.width), height = Int32(source.height), steps = p.steps.map(Int32.init)
        // A concurrent writer may add the same bytes first: then its row is the answer.
        let inserted = try int("""
            INSERT INTO source (kind, category_id, job_id, sha256, width, height, media_type, storage, image_blob_id,
                url, licence, author, prompt, negative_prompt, seed, model_id, scheduler, steps, guidance,
                clip_score, status, error, created_at)
            VALUES (\(kind), \(source.categoryId), \(source.jobId), \(sha), \(width), \(height), \(source.mediaType), \(storageName),
                \(blobId), \(p.url), \(p.licence), \(p.author), \(p.prompt), \(p.negativePrompt), \(seed), \(p.modelId),
                \(p.scheduler), \(steps), \(p.guidance), \(source.clipScore), \(status), \(source.error), \(created))
            ON CONFLICT (sha256) DO NOTHING RETURNING id
            """)
        guard let id = inserted else {
            guard let existing = try int("SELECT id FROM source WHERE sha256 = \(sha)") else {
                throw BankError.database("source \(source.sha256.hex) vanished while being added")
            }
            return Insertion(id: existing, inserted: false)
        }
        sourceInfo[id] = (kind, source.jobId)
        return Insertion(id: id, inserted: true)
    }

    func updateSource(id: Int64, status: SourceStatus, error: String?, clipScore: Double?) throws(BankError) {
        try checkFinite(clipScore, "source CLIP score")
        let state = status.rawValue
        let changed = try ints("UPDATE source SET status = \(state), error = \(error), clip_score = \(clipScore) WHERE id = \(id) RETURNING id")
        guard changed.count == 1 else { throw BankError.unknownSource(id) }
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
        let (cutoutId, cutoutIsNew) = try addBlob(instance.cutout.data, sha256: instance.cutout.sha256, mediaType: "image/png")
        // New bytes cannot have an instance yet: the lookup is only for bytes the bank held.
        if !cutoutIsNew,
           let existing = try int("SELECT id FROM instance WHERE cutout_blob_id = \(cutoutId) AND category_id = \(instance.categoryId)") {
            return Insertion(id: existing, inserted: false)
        }
        var thumbnailId: Int64?
        if let thumbnail = instance.thumbnail {
            thumbnailId = try putBlob(thumbnail.data, sha256: thumbnail.sha256, mediaType: "image/png")
        }
        let created = instance.createdAt.map(BankTime.millis) ?? BankTime.now()
        let decidedAt: Int64? = instance.status == .pending ? nil : created
        let box = instance.box
        let boxX = box.map { Int32($0.x) }, boxY = box.map { Int32($0.y) }, boxW = box.map { Int32($0.width) }, boxH = box.map { Int32($0.height) }
        let width = Int32(instance.cutout.header.width), height = Int32(instance.cutout.header.height)
        let jobId = instance.jobId ?? source.jobId, status = instance.status.rawValue, decidedBy = instance.decidedBy?.rawValue
        let inserted = try int("""
            INSERT INTO instance (source_id, category_id, source_kind, job_id, segmenter, cutout_blob_id, thumbnail_blob_id,
                width, height, box_x, box_y, box_width, box_height, area_ratio, clip_score, status, reason, decided_by,
                decided_at, created_at)
            VALUES (\(instance.sourceId), \(instance.categoryId), \(source.kind), \(jobId), \(segmenter), \(cutoutId), \(thumbnailId),
                \(width), \(height), \(boxX), \(boxY), \(boxW), \(boxH), \(instance.areaRatio), \(instance.clipScore), \(status),
                \(instance.reason), \(decidedBy), \(decidedAt), \(created))
            ON CONFLICT (cutout_blob_id, category_id) DO NOTHING RETURNING id
            """)
        if let inserted { return Insertion(id: inserted, inserted: true) }
        guard let existing = try int("SELECT id FROM instance WHERE cutout_blob_id = \(cutoutId) AND category_id = \(instance.categoryId)") else {
            throw BankError.database("instance of blob \(cutoutId) vanished while being added")
        }
        return Insertion(id: existing, inserted: false)
    }

    func setClipScore(_ score: Double?, forInstance id: Int64) throws(BankError) {
        try checkFinite(score, "CLIP score")
        let changed = try ints("UPDATE instance SET clip_score = \(score) WHERE id = \(id) RETURNING id")
        guard changed.count == 1 else { throw BankError.unknownInstance(id) }
    }

    func setStatus(
        _ status: InstanceStatus, reason: String?, decidedBy: Decider?, for selection: InstanceSelection
    ) throws(BankError) -> Int {
        if status != .pending && decidedBy == nil {
            throw BankError.invalidArgument("status \(status.rawValue) needs decidedBy (filter or person)")
        }
        var sql = PostgresSQL()
        let decidedAt: Int64? = status == .pending ? nil : BankTime.now()
        let set = "UPDATE instance SET status = \(sql.bind(status.rawValue)), reason = \(sql.bind(reason)), "
            + "decided_by = \(sql.bind(decidedBy?.rawValue)), decided_at = \(sql.bind(decidedAt)) WHERE "
        guard let clause = try selectionClause(selection, &sql) else { return 0 }
        return try count(sql.query(set + clause + " RETURNING 1"))
    }

    func deleteInstances(_ selection: InstanceSelection) throws(BankError) -> DeletionSummary {
        var summary = DeletionSummary()
        var sql = PostgresSQL()
        guard let clause = try selectionClause(selection, &sql) else { return summary }
        let rows = try wait(sql.query("DELETE FROM instance WHERE \(clause) RETURNING cutout_blob_id, thumbnail_blob_id"))
        var candidates = Set<Int64>()
        for row in rows {
            let (cutout, thumbnail) = try PostgresBankRows.decode(row, (Int64, Int64?).self)
            candidates.insert(cutout)
            if let thumbnail { candidates.insert(thumbnail) }
        }
        summary.instances = rows.count
        guard !candidates.isEmpty else { return summary }
        let ids = candidates.sorted()
        let gone = try wait("""
            DELETE FROM blob b WHERE b.id = ANY(\(ids))
                AND NOT EXISTS (SELECT 1 FROM instance WHERE cutout_blob_id = b.id)
                AND NOT EXISTS (SELECT 1 FROM instance WHERE thumbnail_blob_id = b.id)
                AND NOT EXISTS (SELECT 1 FROM source WHERE image_blob_id = b.id)
            RETURNING b.size
            """)
        for row in gone { summary.blobBytes += try PostgresBankRows.decode(row, Int64.self) }
        summary.blobs = gone.count
        return summary
    }

    // MARK: Helpers

    private func category(named name: String) throws(BankError) -> BankCategory? {
        let normalized = BankCategory.normalizedName(name), lowered = name.lowercased()
        for query: PostgresQuery in [
            "SELECT \(unescaped: PostgresBankRows.categoryColumns) FROM category WHERE lower(name) = lower(\(name))",
            "SELECT \(unescaped: PostgresBankRows.categoryColumns) FROM category WHERE lower(name) = lower(\(normalized))",
            """
            SELECT \(unescaped: PostgresBankRows.categoryColumns) FROM category
            WHERE EXISTS (SELECT 1 FROM jsonb_array_elements_text(synonyms) s WHERE lower(s) IN (\(lowered), \(normalized)))
            ORDER BY id LIMIT 1
            """,
        ] {
            if let row = try wait(query).first { return try PostgresBankRows.category(row) }
        }
        return nil
    }

    private func requireCategory(_ id: Int64) throws(BankError) {
        if knownCategories.contains(id) { return }
        guard try int("SELECT id FROM category WHERE id = \(id)") != nil else {
            throw BankError.invalidCategory("no category with id \(id)")
        }
        knownCategories.insert(id)
    }

    private func sourceKindAndJob(_ id: Int64) throws(BankError) -> (kind: String, jobId: String?) {
        if let info = sourceInfo[id] { return info }
        guard let row = try wait("SELECT kind, job_id FROM source WHERE id = \(id)").first else {
            throw BankError.unknownSource(id)
        }
        let info = try PostgresBankRows.decode(row, (String, String?).self)
        sourceInfo[id] = (info.0, info.1)
        return (info.0, info.1)
    }

    /// The blob's id, inserting it when the bank does not hold these bytes yet (or taking the row
    /// a concurrent writer inserted first).
    private func putBlob(_ data: Data, sha256: SHA256Digest, mediaType: String) throws(BankError) -> Int64 {
        try addBlob(data, sha256: sha256, mediaType: mediaType).id
    }

    /// The blob's id and whether this call stored it. One round trip for new bytes (the common
    /// case: a cutout is new almost always), two for bytes the bank holds; the bytes travel either way.
    private func addBlob(_ data: Data, sha256: SHA256Digest, mediaType: String) throws(BankError) -> (id: Int64, isNew: Bool) {
        let sha = ByteBuffer(bytes: sha256.bytes)
        let size = Int64(data.count)
        if let id = try int("""
            INSERT INTO blob (sha256, media_type, size, data) VALUES (\(sha), \(mediaType), \(size), \(ByteBuffer(bytes: data)))
            ON CONFLICT (sha256) DO NOTHING RETURNING id
            """) { return (id, true) }
        guard let id = try int("SELECT id FROM blob WHERE sha256 = \(sha)") else {
            throw BankError.database("blob \(sha256.hex) vanished while being added")
        }
        return (id, false)
    }

    /// The WHERE clause of a selection; nil when it selects nothing.
    private func selectionClause(_ selection: InstanceSelection, _ sql: inout PostgresSQL) throws(BankError) -> String? {
        switch selection {
        case .ids(let ids):
            guard !ids.isEmpty else { return nil }
            return "id = ANY(\(sql.bind(Array(Set(ids)).sorted())))"
        case .filter(let filter):
            let names = try categoryNameIds(filter)
            guard let clause = PostgresInstanceSQL.whereClause(filter, namedCategories: names, &sql) else { return nil }
            return clause.isEmpty ? "TRUE" : clause
        }
    }

    private func categoryNameIds(_ filter: InstanceFilter) throws(BankError) -> [Int64]? {
        guard let prefix = filter.categoryNamePrefix else { return nil }
        return try ints(PostgresInstanceSQL.categoriesNamed(prefix))
    }

    private func checkFinite(_ value: Double?, _ what: String) throws(BankError) {
        if let value, !value.isFinite { throw BankError.invalidArgument("\(what) \(value) is not finite") }
    }

    // MARK: Statements

    /// Every row of `query`, waiting on this thread.
    private func wait(_ query: PostgresQuery) throws(BankError) -> [PostgresRow] {
        let connection = connection, logger = logger
        do {
            return try BlockingBridge.wait { () async throws -> [PostgresRow] in
                try await connection.query(query, logger: logger).collect()
            }
        } catch {
            throw PostgresBankErrors.map(error)
        }
    }

    private func run(_ query: PostgresQuery) throws(BankError) { _ = try wait(query) }

    private func count(_ query: PostgresQuery) throws(BankError) -> Int { try wait(query).count }

    private func int(_ query: PostgresQuery) throws(BankError) -> Int64? {
        guard let row = try wait(query).first else { return nil }
        return try PostgresBankRows.decode(row, Int64?.self)
    }

    private func ints(_ query: PostgresQuery) throws(BankError) -> [Int64] {
        var out: [Int64] = []
        for row in try wait(query) { out.append(try PostgresBankRows.decode(row, Int64.self)) }
        return out
    }

}
