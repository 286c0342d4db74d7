import Foundation
import Testing
import XPasteBank
import XPasteLVIS
import XPasteTestSupport
@testable import XPasteCompositor

/// Every emitted flavour read the way detectron2 and mmdetection 3.x read it (their path and label
/// logic re-implemented in Reference/loader_labels.py, which quotes the lines it follows from
/// `detectron2/data/datasets/lvis.py`, `…/coco.py`, `mmdet/datasets/lvis.py` and
/// `mmdet/datasets/coco.py`): every annotation's class name must be the name its provenance says
/// (the bank category of the pasted cutout, or the background file's category), and LVISEval /
/// COCOeval with the ground truth as detections must give AP 1.0 in every frequency bucket present.
@Suite(.serialized) struct LoaderLabelTests {
    struct Seen: Decodable {
        let missing: [String]
        let invalid: [Int]
        let detectron2: [String: String?]
        let mmdetection: [String: String?]
        let eval: [String: [String: Double]]
    }

    /// How the acceptance fixture's background file names its categories.
    enum BackgroundFlavour {
        /// All 1203 LVIS categories.
        case fullLVIS
        /// Only the LVIS categories its annotations use, with LVIS ids.
        case lvisSubset
        /// Its own ids 1…4: LVIS synonyms ("galosh", "spray can"), a name ("cup"), and one LVIS lacks ("gizmo").
        case ownIDs
    }

    /// The fixture's background file rewritten so its annotations span all three frequency buckets
    /// (arctic_(type_of_shoe) r, aerosol_can c, cup f), in the given flavour.
    static func backgroundFile(_ f: CompositeRunTests.Fixture, _ flavour: BackgroundFlavour) throws -> URL {
        var dataset = try LVISDataset(contentsOf: f.annotations)
        let toLVIS = [793: 17, 225: 1, 344: 344]
        let own = [17: 1, 1: 2, 344: 3]
        for k in dataset.annotations.indices {
            var id = toLVIS[dataset.annotations[k].categoryID]!
            if flavour == .ownIDs {
                id = own[id]!
                // The last annotation is of a category LVIS does not know.
                if k == dataset.annotations.count - 1 { id = 4 }
            }
            dataset.annotations[k].categoryID = id
        }
        for k in dataset.images.indices {
            let present = Set(dataset.annotations.filter { $0.imageID == dataset.images[k].id }.map(\.categoryID))
            dataset.images[k].negCategoryIDs = flavour == .ownIDs ? [] : [569]
            dataset.images[k].notExhaustiveCategoryIDs = flavour == .ownIDs ? [] : Array(present.prefix(1))
        }
        switch flavour {
        case .fullLVIS: dataset.categories = f.lvisCategories
        case .lvisSubset: dataset.categories = f.lvisCategories.filter { [1, 17, 344, 569].contains($0.id) }
        case .ownIDs:
            dataset.categories = [LVISCategory(id: 1, name: "galosh", frequency: .rare), LVISCategory(id: 2, name: "spray can", frequency: .common),
                                  LVISCategory(id: 3, name: "cup", frequency: .frequent), LVISCategory(id: 4, name: "gizmo", frequency: .rare)]
        }
        let url = f.root.appendingPathComponent("backgrounds-\(flavour).json")
        try dataset.write(to: url, options: LVISWriter.Options(validation: LVISValidator.Options(profile: .lvis)))
        return url
    }

    /// Runs the loaders on `run`'s output and checks every label against provenance.
    func checkLabels(_ run: CompositeRun, f: CompositeRunTests.Fixture, backgroundFile: URL?, format: String) throws -> Seen {
        let out = run.request.outputDirectory
        let annotationFile = out.appendingPathComponent("annotations/train.json")
        let json = try ReferencePython.run(script: "Tests/XPasteCompositorTests/Reference/loader_labels.py", arguments: [
            annotationFile.path, out.appendingPathComponent("manifest.json").path,
            SharedData.directory.appendingPathComponent("lvis_v1_categories.json").path, format,
        ])
        let seen = try JSONDecoder().decode(Seen.self, from: json)
        #expect(seen.missing.isEmpty, "\(seen.missing.prefix(3))")
        #expect(seen.invalid.isEmpty)

        // Provenance: the bank category of a pasted cutout, the file category of a background annotation.
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as! [String: Any]
        var fileCategoryName: [Int: String] = [:]
        if let backgroundFile {
            let source = try LVISDataset(contentsOf: backgroundFile)
            let names = Dictionary(uniqueKeysWithValues: source.categories.map { ($0.id, $0.name) })
            for a in source.annotations { fileCategoryName[a.id] = names[a.categoryID] }
        }
        let lvis = try LVISVocabulary(categories: f.lvisCategories)
        func same(_ loader: String, _ provenance: String) -> Bool {
            if LVISVocabulary.normalize(loader) == LVISVocabulary.normalize(provenance) { return true }
            // A file's own name may be an LVIS synonym ("galosh" is arctic_(type_of_shoe)).
            return lvis.category(named: provenance)?.name == loader
        }
        let records = manifest["annotations"] as! [[String: Any]]
        #expect(records.count == seen.detectron2.count && !records.isEmpty)
        var checked = 0
        for record in records {
            let id = record["id"] as! Int
            let expected: String
            if record["origin"] as? String == "pasted" {
                let instance = try #require(try f.bank.instance(id: Int64(record["instance_id"] as! Int)))
                expected = try #require(try f.bank.category(id: instance.categoryId)).name
            } else {
                expected = try #require(fileCategoryName[record["background_annotation_id"] as! Int])
            }
            for (loader, labels) in [("detectron2", seen.detectron2), ("mmdetection", seen.mmdetection)] {
                let name = try #require(labels[String(id)] ?? nil, "\(loader) ignores or cannot name annotation \(id)")
                #expect(same(name, expected), "\(loader) names annotation \(id) \(name), provenance says \(expected)")
            }
            checked += 1
        }
        #expect(checked == records.count)
        // Ground truth as detections: AP 1.0 in every bucket that has ground truth (-1: none).
        for (iouType, numbers) in seen.eval {
            for (key, value) in numbers where value >= 0 {
                #expect(abs(value - 1) < 1e-9, "\(iouType) \(key) = \(value)")
            }
            #expect((numbers["AP"] ?? 0) > 0.999, "\(iouType) AP missing")
        }
        return seen
    }

    @Test(arguments: [BackgroundFlavour.fullLVIS, .lvisSubset, .ownIDs])
    func lvisOutputIsLabelledRightByBothLoaders(_ flavour: BackgroundFlavour) async throws {
        let f = try await CompositeRunTests.makeFixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        let file = try Self.backgroundFile(f, flavour)
        let run = try CompositeRunTests().makeRun(f, out: "lvis-\(flavour)", images: 5, annotationsFile: file)
        let summary = try run.run()
        let seen = try checkLabels(run, f: f, backgroundFile: file, format: "lvis")
        // Whole LVIS vocabulary in id order (a subset file used to give a subset list, which
        // LVISV1Dataset reads against its 1203 names), plus "gizmo" for the own-id file.
        let dataset = try LVISDataset(contentsOf: run.request.outputDirectory.appendingPathComponent("annotations/train.json"))
        let ids = dataset.categories.map(\.id)
        #expect(ids == Array(1...(flavour == .ownIDs ? 1204 : 1203)))
        if flavour == .ownIDs {
            #expect(dataset.categories.last?.name == "gizmo")
            #expect(run.vocabulary.backgroundCategoryMap == [1: 17, 2: 1, 3: 344, 4: 1204])
            #expect(summary.registration?.classesRequired == true && summary.registration?.numClasses == 1204)
        } else {
            #expect(summary.registration?.classesRequired == false)
            #expect(summary.registration?.detectron2.contains("\"\(run.request.outputDirectory.standardizedFileURL.path)/\")") == true)
        }
        // Every bucket is present: r, c from the backgrounds, f from the pastes.
        for bucket in ["APr", "APc", "APf"] { #expect((seen.eval["segm"]?[bucket] ?? -1) == 1, "\(bucket)") }
    }

    @Test func plainFolderLVISOutputIsLabelledRight() async throws {
        let f = try await CompositeRunTests.makeFixture()
        defer { try? FileManager.default.removeItem(at: f.root) }
        let run = try CompositeRunTests().makeRun(f, out: "plain", images: 3, annotated: false)
        _ = try run.run()
        _ = try checkLabels(run, f: f, backgroundFile: nil, format: "lvis")
    }

    @Test func cocoOutputIsLabelledRightWithTheMetainfoClasses() async throws {
        let f = try await CompositeRunTests.makeFixture(coco: true)
        defer { try? FileManager.default.removeItem(at: f.root) }
        let run = try CompositeRunTests().makeRun(f, out: "coco", images: 4) { $0.format = .coco }
        let summary = try run.run()
        _ = try checkLabels(run, f: f, backgroundFile: f.annotations, format: "coco")
        let registration = try #require(summary.registration)
        #expect(registration.classes == ["person", "cat", "cup", "horse"] && registration.numClasses == 4)
        #expect(registration.mmdetection.contains("metainfo=dict(classes=(\"person\", \"cat\", \"cup\", \"horse\"))"))
        #expect(registration.mmdetection.contains("data_prefix=dict(img=\"train/\")"))
    }
}
