/// One line of `instances.jsonl` in an export: everything the bank knows about a cutout, so an
/// import restores it with its provenance.
struct ExportedInstance: Codable, Hashable {
    var file: String
    var id: Int64
    var categoryId: Int64
    var category: String
    var sha256: SHA256Digest
    var width: Int
    var height: Int
    var segmenter: String
    var clipScore: Double?
    var areaRatio: Double?
    var box: [Int]?
    var status: InstanceStatus
    var reason: String?
    var decidedBy: Decider?
    var jobId: String?
    var source: ExportedSource?

    enum CodingKeys: String, CodingKey {
        case file, id, category, sha256, width, height, segmenter, box, status, reason, source
        case decidedBy = "decided_by"
        case categoryId = "category_id"
        case clipScore = "clip_score"
        case areaRatio = "area_ratio"
        case jobId = "job_id"
    }
}

/// The source part of an `ExportedInstance`.
struct ExportedSource: Codable, Hashable {
    var kind: SourceKind
    var sha256: SHA256Digest
    var width: Int
    var height: Int
    var mediaType: String?
    var provenance: SourceProvenance
    var clipScore: Double?

    enum CodingKeys: String, CodingKey {
        case kind, sha256, width, height, provenance
        case mediaType = "media_type"
        case clipScore = "clip_score"
    }
}

/// One entry of `categories.json` in an export.
struct ExportedCategory: Codable, Hashable {
    var id: Int64
    var name: String
    var synonyms: [String]
    var definition: String?
    var synset: String?
    var frequency: CategoryFrequency?
    var folder: String
    var xpasteIndex: Int?

    enum CodingKeys: String, CodingKey {
        case id, name, synonyms, synset, frequency, folder
        case definition = "def"
        case xpasteIndex = "xpaste_index"
    }

    var category: BankCategory {
        BankCategory(id: id, name: name, synonyms: synonyms, definition: definition, synset: synset, frequency: frequency)
    }
}
