import Foundation
import Logging
import Testing
import XPasteBank
import XPasteImage
import XPastePostgres
import XPasteTestSupport

/// The two bank drivers the conformance suite runs every test against.
enum BankDriver: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    static let logger: Logger = {
        var l = Logger(label: "test.bank")
        l.logLevel = .error
        return l
    }()

    /// Runs `body` with a fresh, empty bank of this driver; `another` opens a second handle on the
    /// same storage (another process's view, with its own connections).
    func withBank(
        _ body: @Sendable (_ bank: any InstanceBank, _ another: @Sendable () async throws -> any InstanceBank) async throws -> Void
    ) async throws {
        switch self {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xpb-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let url = dir.appendingPathComponent("bank.sqlite")
            let bank = try SQLiteBank(url: url, logger: Self.logger)
            defer { try? bank.close() }
            try await body(bank) { try SQLiteBank(url: url, logger: Self.logger) }
        case .postgres:
            let cluster = try PostgresTestCluster.shared.get()
            let location = try PostgresLocation(url: try cluster.makeDatabase(prefix: "bank"))
            let opened = OpenedQueues()
            defer { opened.cancelAll() }
            @Sendable func open() async throws -> PostgresBank {
                let bank = PostgresBank(location: location, logger: Self.logger)
                opened.add(Task { try await bank.run() })
                try await bank.migrate(timeout: .seconds(120))
                return bank
            }
            let bank = try await open()
            try await body(bank) { try await open() }
        }
    }
}

/// Test data for the bank suites: real PNG cutouts (distinct per seed) and sources.
enum BankSamples {
    /// Three LVIS-like categories (common, frequent, rare).
    static let categories = [
        BankCategory(id: 1, name: "aerosol_can", synonyms: ["aerosol_can", "spray_can"], frequency: .common),
        BankCategory(id: 2, name: "air_conditioner", synonyms: ["air_conditioner"], frequency: .frequent),
        BankCategory(id: 3, name: "airplane", synonyms: ["airplane", "aeroplane"], frequency: .rare),
    ]

    /// An 8-bit RGBA PNG: an opaque disc on transparency, its colours from `seed`.
    static func cutoutPNG(seed: Int, width: Int = 24, height: Int = 16) throws -> Data {
        var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        let cx = Double(width - 1) / 2, cy = Double(height - 1) / 2, r = Double(min(width, height)) / 2
        for y in 0..<height {
            for x in 0..<width {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                let o = (y * width + x) * 4
                let d = ((Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy)).squareRoot()
                pixels[o] = UInt8(truncatingIfNeeded: state)
                pixels[o + 1] = UInt8(truncatingIfNeeded: state >> 8)
                pixels[o + 2] = UInt8(truncatingIfNeeded: seed)
                pixels[o + 3] = d <= r ? 255 : 0
            }
        }
        let image = try Image(width: width, height: height, format: .rgba8, pixels: pixels)
        return Data(try ImageCodec.encodePNG(image))
    }

    /// A source kept by hash only, unique per seed.
    static func source(seed: Int, kind: SourceKind = .generated, category: Int64? = nil, job: String? = nil) -> NewSource {
        NewSource(
            kind: kind, sha256: SHA256Digest(hashing: Array("source-\(seed)".utf8)), width: 512, height: 512,
            provenance: SourceProvenance(prompt: "a photo of a single thing \(seed)", seed: UInt64(seed), modelId: "sd15"),
            categoryId: category, jobId: job)
    }

    /// An instance with a distinct cutout per seed.
    static func instance(
        source: Int64, category: Int64, seed: Int, score: Double? = nil, area: Double? = nil, status: InstanceStatus = .pending,
        thumbnail: Bool = false, createdAt: Date? = nil, segmenter: String = "u2net"
    ) throws -> NewInstance {
        NewInstance(
            sourceId: source, categoryId: category, segmenter: segmenter, cutout: try PNGBlob(try cutoutPNG(seed: seed)),
            thumbnail: thumbnail ? try PNGBlob(try cutoutPNG(seed: seed, width: 6, height: 4)) : nil,
            box: PixelBox(x: seed % 7, y: 3, width: 24, height: 16), areaRatio: area, clipScore: score, status: status,
            reason: status == .pending ? nil : "test", decidedBy: status == .pending ? nil : .filter, createdAt: createdAt)
    }
}
