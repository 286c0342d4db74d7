import Foundation
import Logging
@testable import XPasteBank

/// A bank in a fresh temporary folder, removed when the fixture goes away.
final class BankFixture {
    let directory: URL
    let url: URL
    let bank: SQLiteBank

    static let logger: Logger = {
        var logger = Logger(label: "xpaste.bank.tests")
        logger.logLevel = .warning
        return logger
    }()

    init(configuration: BankConfiguration = .init(), faults: BankFaultInjector? = nil) throws {
        directory = try Self.makeTemporaryDirectory()
        url = directory.appendingPathComponent("bank.sqlite")
        bank = try SQLiteBank(url: url, configuration: configuration, logger: Self.logger, laterMigrations: [], faults: faults)
    }

    deinit {
        try? bank.close()
        try? FileManager.default.removeItem(at: directory)
    }

    static func makeTemporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-bank-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Three LVIS-like categories (rare, common, frequent) plus whatever `extra` adds.
    @discardableResult
    func addCategories(_ extra: [BankCategory] = []) throws -> [BankCategory] {
        let categories = [
            BankCategory(id: 1, name: "aerosol_can", synonyms: ["aerosol_can", "spray_can"], frequency: .common),
            BankCategory(id: 2, name: "air_conditioner", synonyms: ["air_conditioner"], frequency: .frequent),
            BankCategory(id: 3, name: "airplane", synonyms: ["airplane", "aeroplane"], frequency: .rare),
        ] + extra
        try bank.upsertCategories(categories)
        return categories
    }

    /// A source with no kept bytes, unique per `seed`.
    func addSource(seed: Int, kind: SourceKind = .generated, jobId: String? = nil, categoryId: Int64? = nil) throws -> Int64 {
        let sha = SHA256Digest(hashing: Array("source-\(seed)".utf8))
        return try bank.addSource(NewSource(
            kind: kind, sha256: sha, width: 512, height: 512,
            provenance: SourceProvenance(prompt: "a photo of a single thing \(seed)", seed: UInt64(seed), modelId: "sd15"),
            categoryId: categoryId, jobId: jobId)).id
    }

    /// An instance record with a distinct cutout per `seed`.
    static func instance(
        source: Int64, category: Int64, seed: Int, score: Double? = nil, area: Double? = nil, status: InstanceStatus = .pending,
        segmenter: String = "u2net", thumbnail: Bool = false, createdAt: Date? = nil, jobId: String? = nil
    ) throws -> NewInstance {
        NewInstance(
            sourceId: source, categoryId: category, segmenter: segmenter, cutout: try PNGBlob(TestPNG.cutout(seed: seed)),
            thumbnail: thumbnail ? try PNGBlob(TestPNG.cutout(seed: seed, width: 6, height: 4)) : nil,
            areaRatio: area, clipScore: score, status: status, reason: status == .pending ? nil : "test",
            decidedBy: status == .pending ? nil : .filter, jobId: jobId, createdAt: createdAt)
    }

    /// Runs a scalar SQL query on the raw file (outside the bank API) to check what is really stored.
    func scalar(_ sql: String) throws -> Int {
        try bank.scalar(sql)
    }
}
