import Foundation
import Logging
import Testing
import XPasteBank
import XPasteImage
import XPasteLVIS
import XPasteTestSupport
@testable import XPasteCompositor

/// End-to-end runs on the shared photos: datasets are checked with the LVIS validator, loaded with
/// `lvis.LVIS` and pycocotools (Reference/check_dataset.py), and every annotation's decoded mask is
/// compared with the visible pixels the compositor tracked for that object.
@Suite(.serialized) struct CompositeRunTests {
    struct Fixture {
        let root: URL
        /// Image root of the annotation file.
        let backgrounds: URL
        /// The folder holding the background images.
        let folder: URL
        let annotations: URL
        let bank: SQLiteBank
        let lvisCategories: [LVISCategory]

        var cutouts: BankCutoutSource { BankCutoutSource(bank: bank) }
    }

    static func makeFixture(coco: Bool = false) async throws -> Fixture {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-composite-\(UUID().uuidString)")
        let images = root.appendingPathComponent("images/train2017")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        let lvisCategories = try LVISReader(url: SharedData.directory.appendingPathComponent("lvis_v1_categories.json")).readCategories()

        // Backgrounds: three photos with two elliptic annotations each.
        var lvisImages: [LVISImage] = []
        var anns: [LVISAnnotation] = []
        let categoriesOnImages = [[793, 225], [225, 344], [344, 793]]
        for (k, name) in ["astronaut.png", "chelsea.png", "coffee.png"].enumerated() {
            let photo = try RealCutouts.photo(name)
            let file = String(format: "%012d.jpg", k + 1)
            try Data(ImageCodec.encodeJPEG(photo, quality: 92)).write(to: images.appendingPathComponent(file))
            for (j, category) in categoriesOnImages[k].enumerated() {
                var m = BinaryMask(width: photo.width, height: photo.height)
                let cx = Double(photo.width) * (0.3 + 0.4 * Double(j)), cy = Double(photo.height) * 0.5
                let rx = Double(photo.width) * 0.18, ry = Double(photo.height) * 0.3
                for y in 0..<photo.height {
                    for x in 0..<photo.width {
                        let dx = (Double(x) + 0.5 - cx) / rx, dy = (Double(y) + 0.5 - cy) / ry
                        if dx * dx + dy * dy <= 1 { m[x, y] = true }
                    }
                }
                let rle = RLE(encoding: m)
                anns.append(LVISAnnotation(id: anns.count + 1, imageID: k + 1, categoryID: category,
                                           segmentation: .polygons(m.cocoPolygons(tolerance: 1)), area: Double(rle.area),
                                           bbox: LVISBox(x: Double(rle.boundingBox.x), y: Double(rle.boundingBox.y),
                                                         width: Double(rle.boundingBox.width), height: Double(rle.boundingBox.height)),
                                           isCrowd: coco ? 0 : nil))
            }
            if coco {
                lvisImages.append(LVISImage(id: k + 1, width: photo.width, height: photo.height, fileName: file))
            } else {
                lvisImages.append(LVISImage.lvis(id: k + 1, width: photo.width, height: photo.height, split: "train2017", file: file,
                                                 negCategoryIDs: [569, 1], notExhaustiveCategoryIDs: [categoriesOnImages[k][0]]))
            }
        }
        let fileCategories: [LVISCategory]
        if coco {
            fileCategories = [LVISCategory(id: 1, name: "person"), LVISCategory(id: 17, name: "cat"), LVISCategory(id: 47, name: "cup")]
            anns = anns.map { a in
                var a = a
                a.categoryID = [793: 1, 225: 17, 344: 47][a.categoryID]!
                return a
            }
            // A crowd region (uncompressed RLE, as COCO writes crowds) on the first image.
            var crowd = BinaryMask(width: 512, height: 512)
            for y in 400..<480 { for x in 20..<300 { crowd[x, y] = true } }
            let rle = RLE(encoding: crowd)
            anns.append(LVISAnnotation(id: anns.count + 1, imageID: 1, categoryID: 1,
                                       segmentation: .rle(LVISRLE(height: 512, width: 512, counts: .uncompressed(rle.counts.map(Int.init)))),
                                       area: Double(rle.area), bbox: LVISBox(x: 20, y: 400, width: 280, height: 80), isCrowd: 1))
        } else {
            fileCategories = lvisCategories
        }
        let annotations = root.appendingPathComponent("backgrounds.json")
        try LVISDataset(info: LVISInfo(), licenses: [], images: lvisImages, annotations: anns, categories: fileCategories)
            .write(to: annotations, options: LVISWriter.Options(validation: LVISValidator.Options(profile: coco ? .coco : .lvis)))

        // Cutouts: the horse silhouette on two textures, a cup and a cat.
        let poolDir = root.appendingPathComponent("pool")
        try FileManager.default.createDirectory(at: poolDir, withIntermediateDirectories: true)
        let cutouts: [(Int, String, Image)] = [
            (569, "horse_a.png", try RealCutouts.horse(texture: "chelsea.png")),
            (569, "horse_b.png", try RealCutouts.horse(texture: "coffee.png")),
            (344, "cup.png", try RealCutouts.ellipse("coffee.png", x: 160, y: 40, width: 240, height: 220)),
            (225, "cat.png", try RealCutouts.ellipse("chelsea.png", x: 100, y: 20, width: 200, height: 250)),
        ]
        var pool: [String: [String]] = [:]
        for (category, file, image) in cutouts {
            try Data(ImageCodec.encodePNG(image)).write(to: poolDir.appendingPathComponent(file))
            pool[String(category - 1), default: []].append("pool/\(file)")
        }
        let poolURL = root.appendingPathComponent("pool.json")
        try JSONEncoder().encode(pool).write(to: poolURL)
        // Into a bank the way a user would: `xpaste bank import --pool … --lvis-categories …`.
        let bank = try SQLiteBank(url: root.appendingPathComponent("bank.sqlite"), logger: quietLogger)
        try await bank.upsertCategories(lvisCategories.map { BankCategory(lvis: $0) })
        let imported = try await BankImporter(bank: bank, logger: quietLogger, options: .init(status: .accepted)).importPool(poolURL)
        #expect(imported.imported == 4)
        return Fixture(root: root, backgrounds: coco ? images : root.appendingPathComponent("images"), folder: images, annotations: annotations,
                       bank: bank, lvisCategories: lvisCategories)
    }

    static var quietLogger: Logger {
        var l = Logger(label: "test.composite")
        l.logLevel = .error
        return l
    }

    func makeRun(_ f: Fixture, out: String, jobs: Int = 2, images: Int = 6, annotated: Bool = true, annotationsFile: URL? = nil,
                 overwrite: Bool = false, maxSkipped: Int? = nil,
                 configure: (inout CompositorParameters) -> Void = { _ in }) throws -> CompositeRun {
        var p = CompositorParameters()
        p.minInstances = 3
        p.maxInstances = 8
        p.polygonTolerance = 0
        configure(&p)
        let backgrounds: any BackgroundSource
        var backgroundCategories: [LVISCategory]?
        if annotated {
            let a = try AnnotatedBackgrounds(annotations: annotationsFile ?? f.annotations, imageRoot: f.backgrounds)
            backgroundCategories = a.categories
            backgrounds = a
        } else {
            backgrounds = try FolderBackgrounds(folder: f.folder)
        }
        let vocabulary = try OutputVocabulary.make(format: p.format, backgroundCategories: backgroundCategories,
                                                   lvisCategories: f.lvisCategories, catalog: f.cutouts.catalog())
        let prior = try LVISSizePrior(contentsOf: SharedData.directory.appendingPathComponent("lvis_v1_size_prior.json"))
        let request = CompositeRequest(parameters: p, seed: 11, imageCount: images, outputDirectory: f.root.appendingPathComponent(out),
                                       jobs: jobs, shardSize: 3, overwrite: overwrite, maxSkipped: maxSkipped)
        return try CompositeRun(request: request, backgrounds: backgrounds, cutouts: f.cutouts, vocabulary: vocabulary,
                                filePrior: (prior, "lvis_v1_size_prior.json"), logger: Self.quietLogger)
    }

    struct Report: Decodable {
        struct Decoded: Decodable { let counts: String; let area: Int }
        let images: Int
        let annotations: Int
        let missing: [String]
        let wrong_size: [String]
        let masks: [String: Decoded]
    }

    /// Output image `index` as composed, or nil when the run skips its background.
    static func composedUnlessSkipped(_ run: CompositeRun, _ index: Int) -> ComposedImage? {
        do {
            return try run.compose(index).composed
        } catch {
            if case .backgroundSkipped = error { return nil }
            Issue.record("composing image \(index + 1): \(error)")
            return nil
        }
    }

    /// Validator, reference loaders, and decoded mask == tracked visible pixels for every annotation.
    func checkDataset(_ run: CompositeRun, format: String) throws -> LVISDataset {
        let out = run.request.outputDirectory
        let annotationFile = out.appendingPathComponent("annotations/\(run.request.parameters.split).json")
        let report = try LVISValidator(options: LVISValidator.Options(profile: format == "lvis" ? .lvis : .coco,
                                                                      requirePolygons: run.request.parameters.segmentation == .polygon && format == "lvis"))
            .validate(fileAt: annotationFile)
        #expect(report.errors.isEmpty, "\(report.errors.prefix(3))")
        let json = try ReferencePython.run(script: "Tests/XPasteCompositorTests/Reference/check_dataset.py",
                                           arguments: [annotationFile.path, out.path, format])
        let seen = try JSONDecoder().decode(Report.self, from: json)
        #expect(seen.missing.isEmpty && seen.wrong_size.isEmpty, "\(seen.missing.prefix(3)) \(seen.wrong_size.prefix(3))")
        let dataset = try LVISDataset(contentsOf: annotationFile)
        #expect(seen.images == dataset.images.count && seen.annotations == dataset.annotations.count)
        var annotationID = 1
        for i in 0..<run.imageCount {
            // A skipped background has no output image (and no annotation ids).
            guard let composed = Self.composedUnlessSkipped(run, i) else { continue }
            for object in composed.scene.objects {
                let expected = RLE(encoding: object.fullMask(width: composed.image.width, height: composed.image.height))
                let decoded = try #require(seen.masks[String(annotationID)], "annotation \(annotationID) missing")
                #expect(decoded.counts == expected.compressedCounts, "image \(i + 1) annotation \(annotationID) (\(object.origin))")
                #expect(decoded.area == object.area)
                let ann = dataset.annotations[annotationID - 1]
                #expect(ann.imageID == i + 1 && ann.categoryID == object.category)
                #expect(ann.bbox == LVISBox(x: Double(object.frame.x), y: Double(object.frame.y),
                                            width: Double(object.frame.width), height: Double(object.frame.height)))
                annotationID += 1
            }
        }
        #expect(annotationID - 1 == dataset.annotations.count)
        return dataset
    }

    @Test func lvisRunOnAnnotatedBackgroundsHasExactMasksAndTrueLabels() async throws {
        let f = try await Self.makeFixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        let run = try makeRun(f, out: "lvis")
        let summary = try run.run()
        #expect(summary.counts.images == 6)
        #expect(summary.counts.pastedAnnotations > 0 && summary.counts.backgroundAnnotations > 0)
        let dataset = try checkDataset(run, format: "lvis")
        // Federated labels: nothing annotated is negative; pasted horses (569 was negative on
        // every background) left the negatives; pasted categories that were never verified are
        // not exhaustive.
        for image in dataset.images {
            let present = Set(dataset.annotations.filter { $0.imageID == image.id }.map(\.categoryID))
            #expect(present.isDisjoint(with: image.negCategoryIDs ?? []))
            if present.contains(569) { #expect(!(image.negCategoryIDs ?? []).contains(569)) }
            #expect(image.cocoURL == "http://images.cocodataset.org/train/\(String(format: "%012d.jpg", image.id))")
            #expect(image.fileName == "train/\(String(format: "%012d.jpg", image.id))")
        }
        // Categories carry LVIS metadata and recomputed counts.
        #expect(dataset.categories.count == 1203)
        let horse = try #require(dataset.categories.first { $0.id == 569 })
        #expect(horse.synset == "horse.n.01" && horse.frequency == .frequent)
        #expect(horse.instanceCount == dataset.annotations.filter { $0.categoryID == 569 }.count)
        #expect(horse.imageCount == Set(dataset.annotations.filter { $0.categoryID == 569 }.map(\.imageID)).count)
        // Manifest: provenance of every pasted annotation is a pool instance.
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: run.request.outputDirectory.appendingPathComponent("manifest.json"))) as! [String: Any]
        let records = manifest["annotations"] as! [[String: Any]]
        #expect(records.count == dataset.annotations.count)
        let pastedRecords = records.filter { $0["origin"] as? String == "pasted" }
        #expect(pastedRecords.count == summary.counts.pastedAnnotations)
        let instanceIDs = Set(try f.cutouts.catalog().instances.values.joined().map(Int.init))
        #expect(pastedRecords.allSatisfy { instanceIDs.contains(($0["instance_id"] as? Int) ?? 0) })
        #expect((manifest["seed"] as? Int) == 11)
    }

    @Test func outputIsByteIdenticalOnOneAndTwoThreads() async throws {
        let f = try await Self.makeFixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        _ = try makeRun(f, out: "one", jobs: 1, images: 8).run()
        _ = try makeRun(f, out: "two", jobs: 2, images: 8).run()
        let fm = FileManager.default
        let one = f.root.appendingPathComponent("one"), two = f.root.appendingPathComponent("two")
        let files = try fm.subpathsOfDirectory(atPath: one.path).sorted()
        #expect(files == (try fm.subpathsOfDirectory(atPath: two.path).sorted()))
        #expect(files.filter { $0.hasSuffix(".jpg") }.count == 8)
        for file in files where !file.hasSuffix("/") {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: one.appendingPathComponent(file).path, isDirectory: &isDir), !isDir.boolValue else { continue }
            if file == "manifest.json" {
                // The registration snippets name the (different) absolute output folders; all else is equal.
                #expect(try Self.manifestWithoutRegistration(one) == Self.manifestWithoutRegistration(two))
                continue
            }
            #expect(try Data(contentsOf: one.appendingPathComponent(file)) == Data(contentsOf: two.appendingPathComponent(file)), "\(file) differs")
        }
    }

    /// The manifest as text with its `registration` entry (absolute paths) and `category_mapping` taken out.
    static func manifestWithoutRegistration(_ out: URL) throws -> String {
        let text = try String(contentsOf: out.appendingPathComponent("manifest.json"), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("  \"registration\": ") }.joined(separator: "\n")
    }

    @Test func rleRunIsExactToo() async throws {
        let f = try await Self.makeFixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        let run = try makeRun(f, out: "rle", images: 4) { $0.segmentation = .rle }
        _ = try run.run()
        _ = try checkDataset(run, format: "lvis")
    }

    @Test func cocoRunKeepsTheBackgroundFilesCategories() async throws {
        let f = try await Self.makeFixture(coco: true)
        defer { try? FileManager.default.removeItem(at: f.root) }
        let run = try makeRun(f, out: "coco", images: 4) { $0.format = .coco }
        _ = try run.run()
        let dataset = try checkDataset(run, format: "coco")
        // The file's ids stay; the horse cutouts, which COCO's list lacks, are added with the next
        // id (they used to be dropped with only a warning) and LVIS's frequency.
        #expect(dataset.categories.map(\.id) == [1, 17, 47, 48])
        #expect(dataset.categories.last?.name == "horse" && dataset.categories.last?.frequency == .frequent)
        #expect(Set(dataset.annotations.map(\.categoryID)).isSubset(of: [1, 17, 47, 48]))
        // The crowd region stays a crowd, as RLE; everything else is a polygon instance.
        let crowds = dataset.annotations.filter { $0.isCrowd == 1 }
        #expect(!crowds.isEmpty && crowds.allSatisfy { if case .rle = $0.segmentation { true } else { false } })
        #expect(dataset.annotations.filter { $0.isCrowd == 0 }.allSatisfy { if case .polygons = $0.segmentation { true } else { false } })
        #expect(dataset.images.allSatisfy { $0.negCategoryIDs == nil && $0.fileName == String(format: "%012d.jpg", $0.id) })
    }

    @Test func plainFolderBackgroundsMarkEveryPastedCategoryNotExhaustive() async throws {
        let f = try await Self.makeFixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        let run = try makeRun(f, out: "plain", images: 3, annotated: false) { $0.polygonTolerance = 0.5 }
        _ = try run.run()
        let dataset = try LVISDataset(contentsOf: run.request.outputDirectory.appendingPathComponent("annotations/train.json"))
        for image in dataset.images {
            let present = Set(dataset.annotations.filter { $0.imageID == image.id }.map(\.categoryID))
            #expect(present.isSubset(of: Set(image.notExhaustiveCategoryIDs ?? [])))
            #expect(image.negCategoryIDs == [])
        }
    }

    @Test func augmentationsAndDownsizingKeepMasksExact() async throws {
        let f = try await Self.makeFixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        let run = try makeRun(f, out: "augmented", images: 3) { p in
            p.rotationProbability = 1
            p.colorJitterProbability = 1
            p.blending = .gaussian
            p.maxImageSide = 300
            p.sampling = .rareFirst
        }
        _ = try run.run()
        let dataset = try checkDataset(run, format: "lvis")
        #expect(dataset.images.allSatisfy { max($0.width, $0.height) == 300 })
        let plan = try run.compose(0).plan
        #expect(plan.pastes.allSatisfy { $0.rotationDegrees != 0 && $0.colorJitter != nil })
    }

    @Test func existingSplitIsNotOverwrittenByDefault() async throws {
        let f = try await Self.makeFixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        _ = try makeRun(f, out: "again", images: 1).run()
        #expect(throws: CompositorError.self) { _ = try makeRun(f, out: "again", images: 1).run() }
    }
}
