import Foundation
import Testing
import XPasteImage
import XPasteTestSupport
@testable import XPasteBank

@Suite struct BankImportExportTests {
    /// A bank with accepted cutouts in two LVIS categories and a user category, plus a rejected one.
    private func populated() throws -> (BankFixture, accepted: [Int64]) {
        let f = try BankFixture()
        try f.addCategories()
        let widget = try f.bank.userCategory(named: "widget")
        let crawled = try f.bank.addSource(NewSource(
            kind: .crawled, sha256: SHA256Digest(hashing: [1]), width: 640, height: 480,
            provenance: SourceProvenance(url: "https://example.org/a.jpg", licence: "CC0", author: "A. Person"), jobId: "j")).id
        let generated = try f.addSource(seed: 2, kind: .generated)
        var accepted: [Int64] = []
        for i in 0..<9 {
            var new = try BankFixture.instance(
                source: i % 2 == 0 ? crawled : generated, category: [1, 3, widget.id][i % 3], seed: 500 + i,
                score: 20 + Double(i), area: 0.1 + Double(i) / 100, status: .accepted, segmenter: i % 2 == 0 ? "u2net" : "isnet")
            new.box = PixelBox(x: i, y: 2 * i, width: 24, height: 16)
            accepted.append(try f.bank.addInstances([new])[0].id)
        }
        _ = try f.bank.addInstances([try BankFixture.instance(source: crawled, category: 1, seed: 999, status: .rejected)])
        return (f, accepted)
    }

    /// What should survive a round trip, per instance.
    private struct Essence: Hashable {
        var category: Int64, sha: SHA256Digest, score: Double?, area: Double?, box: PixelBox?, segmenter: String
        var status: InstanceStatus, sourceSHA: SHA256Digest, sourceKind: SourceKind, provenance: SourceProvenance
    }

    private func essences(_ bank: SQLiteBank, _ filter: InstanceFilter = .all) throws -> Set<Essence> {
        var out: Set<Essence> = []
        var cursor: String?
        repeat {
            let page = try bank.browse(InstanceQuery(filter: filter, limit: 100, cursor: cursor))
            for i in page.instances {
                let s = try #require(try bank.source(id: i.sourceId))
                out.insert(Essence(
                    category: i.categoryId, sha: i.cutoutSHA256, score: i.clipScore, area: i.areaRatio, box: i.box,
                    segmenter: i.segmenter, status: i.status, sourceSHA: s.sha256, sourceKind: s.kind, provenance: s.provenance))
            }
            cursor = page.nextCursor
        } while cursor != nil
        return out
    }

    @Test func exportWritesAPoolXPasteLoads() async throws {
        let (f, accepted) = try populated()
        let out = f.directory.appendingPathComponent("export")
        let summary = try await BankExporter(bank: f.bank, logger: BankFixture.logger).export(to: out)
        #expect(summary.instances == 9 && summary.categories == 3 && summary.pooledInstances == 6)

        let pool = try JSONDecoder().decode([String: [String]].self, from: Data(contentsOf: summary.poolFile))
        #expect(Set(pool.keys) == ["0", "2"])  // aerosol_can (LVIS 1) and airplane (LVIS 3); widget has no index
        for entry in pool.values.joined() {
            #expect(entry.hasPrefix("*/"))
        }
        // One folder per category, named after it; the user category is there too.
        let folders = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("images").path).sorted()
        #expect(folders == ["aerosol_can", "airplane", "widget"])
        for id in accepted {
            let cutout = try f.bank.cutout(of: id)
            let name = ["aerosol_can", "airplane", "widget"][[1, 3].firstIndex(of: cutout.categoryId) ?? 2]
            #expect(try Data(contentsOf: out.appendingPathComponent("images/\(name)/\(id).png")) == cutout.png)
        }
        // X-Paste's own loading code (Pillow) reads every entry back with our sizes and alpha.
        let loaded = try JSONDecoder().decode([String: [[Int]]].self, from: ReferencePython.run(
            script: "Tests/XPasteBankTests/Reference/xpaste_pool_load.py", arguments: [summary.poolFile.path]))
        for (key, rows) in loaded {
            #expect(rows.count == pool[key]!.count)
            for (row, entry) in zip(rows, pool[key]!) {
                let image = try ImageCodec.decode(Array(Data(contentsOf: URL(fileURLWithPath: String(entry.dropFirst())))))
                var alpha = 0
                for i in 0..<image.pixelCount { alpha += Int(image.pixels[i * 4 + 3]) }
                #expect(row == [image.width, image.height, alpha], "\(entry)")
            }
        }
    }

    @Test func exportThenImportRoundTrips() async throws {
        let (f, _) = try populated()
        let out = f.directory.appendingPathComponent("export")
        _ = try await BankExporter(bank: f.bank, logger: BankFixture.logger).export(to: out)
        let want = try essences(f.bank, InstanceFilter(statuses: [.accepted]))
        #expect(want.count == 9)

        // Folder import restores everything, including the user category's name and ids.
        let b = try BankFixture()
        let summary = try await BankImporter(bank: b.bank, logger: BankFixture.logger).importFolder(out)
        #expect(summary.imported == 9 && summary.duplicates == 0 && summary.skipped.isEmpty)
        #expect(try essences(b.bank) == want)
        #expect(try b.bank.category(named: "widget")?.id == BankCategory.userIdBase)
        #expect(try b.bank.category(id: 3)?.frequency == .rare)
        // Importing again adds nothing.
        let again = try await BankImporter(bank: b.bank, logger: BankFixture.logger).importFolder(out)
        #expect(again.imported == 0 && again.duplicates == 9)

        // The X-Paste pool alone carries the LVIS categories; metadata beside it is picked up too.
        let c = try BankFixture()
        let fromPool = try await BankImporter(bank: c.bank, logger: BankFixture.logger).importPool(out.appendingPathComponent("pool.json"))
        #expect(fromPool.imported == 6)
        #expect(try essences(c.bank) == want.filter { $0.category < BankCategory.userIdBase })
    }

    @Test func rawFoldersAreCleanedUpAsXPasteDoes() async throws {
        let f = try BankFixture()
        try f.addCategories()
        let root = f.directory.appendingPathComponent("raw")
        let a = root.appendingPathComponent("Aerosol can"), w = root.appendingPathComponent("my_widget")
        try FileManager.default.createDirectory(at: a, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: w, withIntermediateDirectories: true)
        let ring = Self.ringWithSpeck(width: 60, height: 50)
        try ring.write(to: a.appendingPathComponent("ring.png"))
        try TestPNG.cutout(seed: 3).write(to: w.appendingPathComponent("disc.png"))
        try Data("not an image".utf8).write(to: w.appendingPathComponent("broken.png"))
        try TestPNG.rgba(width: 4, height: 4, pixels: Array(repeating: 0, count: 64)).write(to: w.appendingPathComponent("empty.png"))
        try Data("not an image".utf8).write(to: w.appendingPathComponent("notes.txt"))

        let summary = try await BankImporter(bank: f.bank, logger: BankFixture.logger).importFolder(root)
        // Files of other types are no longer ignored silently: they are listed as skipped too.
        #expect(summary.files == 4 && summary.imported == 2 && summary.skipped.count == 3)
        #expect(summary.categoriesCreated == ["my_widget"])
        #expect(Set(summary.skipped.map { URL(fileURLWithPath: $0.path).lastPathComponent }) == ["broken.png", "empty.png", "notes.txt"])

        let ringInstance = try #require(try f.bank.browse(InstanceQuery(filter: InstanceFilter(categoryIds: [1]))).instances.first)
        #expect(ringInstance.status == .accepted && ringInstance.decidedBy == .person && ringInstance.segmenter == "import")
        // Same pixels and box as X-Paste's clean_pool.py (OpenCV contours) on the same file.
        let reference = f.directory.appendingPathComponent("reference.png")
        let boxJSON = try ReferencePython.run(
            script: "Tests/XPasteBankTests/Reference/xpaste_cleanup.py", arguments: [a.appendingPathComponent("ring.png").path, reference.path])
        let box = try JSONDecoder().decode([Int].self, from: boxJSON)
        #expect(ringInstance.box == PixelBox(x: box[0], y: box[1], width: box[2], height: box[3]))
        let ours = try ImageCodec.decode(Array(f.bank.cutout(of: ringInstance.id).png))
        let theirs = try ImageCodec.decode(Array(Data(contentsOf: reference)))
        #expect(ours.width == theirs.width && ours.height == theirs.height)
        #expect(ours.pixels == theirs.pixels)
        // The source records the file; the area is the kept object's share of it.
        let source = try #require(try f.bank.source(id: ringInstance.sourceId))
        #expect(source.kind == .uploaded && source.width == 60 && source.height == 50)
        #expect(source.provenance.url?.hasSuffix("/ring.png") == true)
        // Area = the kept component (ring with its hole filled) over the whole file.
        #expect(ringInstance.areaRatio == Double(box[4]) / Double(60 * 50))
    }

    @Test func poolEntriesOfEveryKindImport() async throws {
        let f = try BankFixture()
        let dir = f.directory.appendingPathComponent("pool")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try TestPNG.cutout(seed: 1).write(to: dir.appendingPathComponent("done.png"))
        try Self.ringWithSpeck(width: 40, height: 40).write(to: dir.appendingPathComponent("raw.png"))
        // An opaque image with a separate grey mask (X-Paste `image|mask`).
        try TestPNG.rgba(width: 10, height: 10, pixels: Array(repeating: 200, count: 400)).write(to: dir.appendingPathComponent("photo.png"))
        var maskPixels = [UInt8](repeating: 0, count: 100)
        for y in 2..<7 { for x in 3..<8 { maskPixels[y * 10 + x] = 255 } }
        try Data(ImageCodec.encodePNG(Mask(width: 10, height: 10, values: maskPixels))).write(to: dir.appendingPathComponent("photo_mask.png"))
        let poolJSON = """
            {"12": ["*done.png", "raw.png"], "0": ["photo.png|photo_mask.png", "*missing.png"]}
            """
        let poolFile = dir.appendingPathComponent("pool.json")
        try Data(poolJSON.utf8).write(to: poolFile)
        let summary = try await BankImporter(bank: f.bank, logger: BankFixture.logger).importPool(poolFile)
        #expect(summary.files == 4 && summary.imported == 3 && summary.skipped.count == 1)
        #expect(summary.categoriesCreated == ["lvis_1", "lvis_13"])
        let masked = try #require(try f.bank.browse(InstanceQuery(filter: InstanceFilter(categoryIds: [1]))).instances.first)
        #expect(masked.box == PixelBox(x: 3, y: 2, width: 5, height: 5) && masked.width == 5 && masked.areaRatio == 0.25)
        let done = try f.bank.browse(InstanceQuery(filter: InstanceFilter(categoryIds: [13]), order: InstanceOrder(.createdAt, descending: false))).instances
        #expect(done.count == 2)
        #expect(try done.contains { try f.bank.cutout(of: $0.id).png == TestPNG.cutout(seed: 1) })
        await #expect { try await BankImporter(bank: f.bank, logger: BankFixture.logger).importPool(dir.appendingPathComponent("done.png")) } throws: {
            ($0 as? BankError)?.code == "bank.invalid_import"
        }
    }

    /// A soft-edged ring (so clean-up must fill its hole) and a separate small speck (which clean-up
    /// must drop), on transparency.
    static func ringWithSpeck(width: Int, height: Int) -> Data {
        var px = [UInt8](repeating: 0, count: width * height * 4)
        let cx = Double(width) * 0.45, cy = Double(height) * 0.5, r = Double(min(width, height)) * 0.3
        for y in 0..<height {
            for x in 0..<width {
                let o = (y * width + x) * 4
                let d = ((Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy)).squareRoot()
                px[o] = UInt8(x * 4 % 256)
                px[o + 1] = UInt8(y * 5 % 256)
                px[o + 2] = 90
                if d < r * 0.4 {
                    px[o + 3] = 0  // the hole
                } else if d <= r {
                    px[o + 3] = 255
                } else if d <= r + 2 {
                    px[o + 3] = UInt8(255 - Int((d - r) * 100))  // soft edge
                }
                if x >= width - 5 && x < width - 2 && y >= 2 && y < 5 { px[o + 3] = 255 }  // the speck
            }
        }
        return TestPNG.rgba(width: width, height: height, pixels: px)
    }
}
