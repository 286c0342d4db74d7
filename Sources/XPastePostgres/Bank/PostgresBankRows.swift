import Foundation
import PostgresNIO
import XPasteBank
import XPasteImage

/// Row decoding for the PostgreSQL bank, by column position; the column lists here and the
/// decoders below change together.
enum PostgresBankRows {
    /// Decodes a row's columns as `type`, a corrupt value as `BankError.corrupt`.
    static func decode<each Column: PostgresDecodable>(
        _ row: PostgresRow, _ type: (repeat each Column).Type
    ) throws(BankError) -> (repeat each Column) {
        do {
            return try row.decode(type)
        } catch {
            throw BankError.corrupt("a stored row does not decode: \(error)")
        }
    }

    static let categoryColumns = "id, name, synonyms::text, definition, synset, frequency, image_count, instance_count"

    static func category(_ row: PostgresRow) throws(BankError) -> BankCategory {
        let (id, name, synonymsJSON, definition, synset, frequency, images, instances) =
            try decode(row, (Int64, String, String, String?, String?, String?, Int64?, Int64?).self)
        let synonyms = (try? JSONDecoder().decode([String].self, from: Data(synonymsJSON.utf8))) ?? []
        return BankCategory(
            id: id, name: name, synonyms: synonyms, definition: definition, synset: synset,
            frequency: frequency.flatMap(CategoryFrequency.init(rawValue:)), imageCount: images.map(Int.init),
            instanceCount: instances.map(Int.init))
    }

    static let sourceColumns = """
        id, kind, category_id, job_id, sha256, width, height, media_type, storage, url, licence, author, prompt,
        negative_prompt, seed, model_id, scheduler, steps, guidance, clip_score, status, error, created_at
        """

    static func source(_ row: PostgresRow) throws(BankError) -> BankSource {
        let (id, kind, categoryId, jobId, sha, width, height, mediaType, storage, url, licence, author) =
            try decode(row, (Int64, String, Int64?, String?, Data, Int32, Int32, String?, String, String?, String?, String?).self)
        let random = row.makeRandomAccess()
        let tail: (String?, String?, Int64?, String?, String?, Int32?, Double?, Double?, String, String?, Int64)
        do {
            tail = (
                try random[12].decode(String?.self), try random[13].decode(String?.self), try random[14].decode(Int64?.self),
                try random[15].decode(String?.self), try random[16].decode(String?.self), try random[17].decode(Int32?.self),
                try random[18].decode(Double?.self), try random[19].decode(Double?.self), try random[20].decode(String.self),
                try random[21].decode(String?.self), try random[22].decode(Int64.self))
        } catch {
            throw BankError.corrupt("a stored source does not decode: \(error)")
        }
        guard let digest = SHA256Digest(bytes: Array(sha)) else { throw BankError.corrupt("source hash of \(sha.count) bytes") }
        guard let sourceKind = SourceKind(rawValue: kind), let sourceStorage = SourceStorage(rawValue: storage),
              let status = SourceStatus(rawValue: tail.8)
        else { throw BankError.corrupt("source \(id) has an unknown kind, storage or status") }
        let provenance = SourceProvenance(
            url: url, licence: licence, author: author, prompt: tail.0, negativePrompt: tail.1,
            seed: tail.2.map { UInt64(bitPattern: $0) }, modelId: tail.3, scheduler: tail.4, steps: tail.5.map(Int.init),
            guidance: tail.6)
        return BankSource(
            id: id, kind: sourceKind, categoryId: categoryId, jobId: jobId, sha256: digest, width: Int(width), height: Int(height),
            mediaType: mediaType, storage: sourceStorage, provenance: provenance, clipScore: tail.7, status: status, error: tail.9,
            createdAt: BankTime.date(tail.10))
    }

    /// Columns `instance(_:)` reads, in its order, over `instanceTables`.
    static let instanceColumns = """
        i.id, i.source_id, i.category_id, i.source_kind, i.job_id, i.segmenter, c.sha256, c.size, t.sha256, i.width,
        i.height, i.box_x, i.box_y, i.box_width, i.box_height, i.area_ratio, i.clip_score, i.status, i.reason,
        i.decided_by, i.decided_at, i.created_at, i.score_key, i.area_key, i.created_at::double precision
        """

    static let instanceTables = "instance i JOIN blob c ON c.id = i.cutout_blob_id LEFT JOIN blob t ON t.id = i.thumbnail_blob_id"

    /// Index in `instanceColumns` of the double-precision value of an order's sort key.
    static func sortKeyIndex(_ key: InstanceOrder.Key) -> Int {
        switch key {
        case .clipScore: 22
        case .areaRatio: 23
        case .createdAt: 24
        }
    }

    static func sortKey(_ row: PostgresRow, _ key: InstanceOrder.Key) throws(BankError) -> Double {
        do {
            return try row.makeRandomAccess()[sortKeyIndex(key)].decode(Double.self)
        } catch {
            throw BankError.corrupt("a sort key does not decode: \(error)")
        }
    }

    static func instance(_ row: PostgresRow) throws(BankError) -> BankInstance {
        let r = row.makeRandomAccess()
        do {
            let id = try r[0].decode(Int64.self)
            func digest(_ index: Int) throws -> SHA256Digest? {
                guard let data = try r[index].decode(Data?.self) else { return nil }
                guard let d = SHA256Digest(bytes: Array(data)) else { throw BankError.corrupt("blob address of \(data.count) bytes") }
                return d
            }
            let box: PixelBox? = try {
                guard let x = try r[11].decode(Int32?.self), let y = try r[12].decode(Int32?.self),
                      let w = try r[13].decode(Int32?.self), let h = try r[14].decode(Int32?.self) else { return nil }
                return PixelBox(x: Int(x), y: Int(y), width: Int(w), height: Int(h))
            }()
            guard let kind = SourceKind(rawValue: try r[3].decode(String.self)),
                  let status = InstanceStatus(rawValue: try r[17].decode(String.self)),
                  let cutout = try digest(6)
            else { throw BankError.corrupt("instance \(id) has an unknown kind or status, or no cutout") }
            let decider = try r[19].decode(String?.self)
            let decidedBy = try decider.map { raw throws -> Decider in
                guard let d = Decider(rawValue: raw) else { throw BankError.corrupt("unknown decider \"\(raw)\"") }
                return d
            }
            return BankInstance(
                id: id, sourceId: try r[1].decode(Int64.self), categoryId: try r[2].decode(Int64.self), sourceKind: kind,
                jobId: try r[4].decode(String?.self), segmenter: try r[5].decode(String.self), cutoutSHA256: cutout,
                cutoutBytes: Int(try r[7].decode(Int64.self)), thumbnailSHA256: try digest(8), width: Int(try r[9].decode(Int32.self)),
                height: Int(try r[10].decode(Int32.self)), box: box, areaRatio: try r[15].decode(Double?.self),
                clipScore: try r[16].decode(Double?.self), status: status, reason: try r[18].decode(String?.self),
                decidedBy: decidedBy, decidedAt: try r[20].decode(Int64?.self).map(BankTime.date),
                createdAt: BankTime.date(try r[21].decode(Int64.self)))
        } catch let error as BankError {
            throw error
        } catch {
            throw BankError.corrupt("a stored instance does not decode: \(error)")
        }
    }
}

/// Dynamic SQL with numbered parameters: `bind` appends a value and returns its placeholder.
struct PostgresSQL {
    var binds = PostgresBindings()

    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value?) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    func query(_ sql: String) -> PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}
