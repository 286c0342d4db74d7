import Foundation
import GRDB

/// Row decoding and lookups shared by the writer and the read side.
enum SQLiteBankRows {
    static let categoryColumns = "id, name, synonyms, definition, synset, frequency, image_count, instance_count"

    static func category(from row: Row) throws -> BankCategory {
        let synonymsJSON: String = row[2]
        let synonyms = (try? JSONDecoder().decode([String].self, from: Data(synonymsJSON.utf8))) ?? []
        let frequency: String? = row[5]
        return BankCategory(
            id: row[0], name: row[1], synonyms: synonyms, definition: row[3], synset: row[4],
            frequency: frequency.flatMap(CategoryFrequency.init(rawValue:)), imageCount: row[6], instanceCount: row[7])
    }

    /// Exact name (case-insensitive), then normalised name, then a synonym, in that order.
    static func category(named name: String, _ db: Database) throws -> BankCategory? {
        let sql = "SELECT \(categoryColumns) FROM category WHERE name = ?"
        if let row = try Row.fetchOne(db, sql: sql, arguments: [name]) { return try category(from: row) }
        let normalized = BankCategory.normalizedName(name)
        if let row = try Row.fetchOne(db, sql: sql, arguments: [normalized]) { return try category(from: row) }
        let bySynonym = """
            SELECT \(categoryColumns) FROM category
            WHERE EXISTS (SELECT 1 FROM json_each(category.synonyms) WHERE lower(json_each.value) IN (?, ?))
            ORDER BY id LIMIT 1
            """
        if let row = try Row.fetchOne(db, sql: bySynonym, arguments: [name.lowercased(), normalized]) {
            return try category(from: row)
        }
        return nil
    }

    static let sourceColumns = """
        id, kind, category_id, job_id, sha256, width, height, media_type, storage, url, licence, author, prompt,
        negative_prompt, seed, model_id, scheduler, steps, guidance, clip_score, status, error, created_at
        """

    static func source(from row: Row) throws -> BankSource {
        func parse<E: RawRepresentable<String>>(_ type: E.Type, _ index: Int) throws -> E {
            let raw: String = row[index]
            guard let value = E(rawValue: raw) else { throw BankError.corrupt("unknown \(E.self) \"\(raw)\"") }
            return value
        }
        let shaData: Data = row[4]
        guard let sha = SHA256Digest(bytes: Array(shaData)) else { throw BankError.corrupt("source hash of \(shaData.count) bytes") }
        let seed: Int64? = row[14]
        let provenance = SourceProvenance(
            url: row[9], licence: row[10], author: row[11], prompt: row[12], negativePrompt: row[13],
            seed: seed.map { UInt64(bitPattern: $0) }, modelId: row[15], scheduler: row[16], steps: row[17], guidance: row[18])
        return BankSource(
            id: row[0], kind: try parse(SourceKind.self, 1), categoryId: row[2], jobId: row[3], sha256: sha, width: row[5],
            height: row[6], mediaType: row[7], storage: try parse(SourceStorage.self, 8), provenance: provenance,
            clipScore: row[19], status: try parse(SourceStatus.self, 20), error: row[21], createdAt: BankTime.date(row[22]))
    }
}
