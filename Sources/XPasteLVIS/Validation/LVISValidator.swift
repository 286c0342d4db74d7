import Foundation
import XPasteImage

/// Checks LVIS v1 / COCO instance data against what detectron2's `load_lvis_json`,
/// mmdetection's `LVISV1Dataset`/`CocoDataset`, `lvis.LVIS` and pycocotools rely on, and reports
/// every violation with its JSON path and a stable code (`LVISViolation.Code`).
///
/// What each loader does with bad data (so the severities make sense):
/// - detectron2 asserts unique annotation ids, a non-empty polygon list with rings of even length
///   ≥ 6 (so RLE breaks it), maps `category_id - 1` to its class index and reads the image path
///   from the last two segments of `coco_url`.
/// - mmdetection strips `http://images.cocodataset.org/` from `coco_url` and silently drops
///   instances with `area <= 0`, box width or height < 1, no overlap with the image, or an
///   unknown category.
/// - The LVIS evaluator reads `neg_category_ids`, `not_exhaustive_category_ids` and `frequency`;
///   COCO-style matching treats an annotation id of 0 as "unmatched".
///
/// Validation streams: `validate(fileAt:)` makes two passes over the file (images and categories,
/// then annotations), holding only per-image sizes and category lists and the annotation ids,
/// never the annotations themselves.
public struct LVISValidator: Sendable {
    /// Which conventions the data should follow.
    public enum Profile: Sendable, Hashable {
        /// LVIS v1: `coco_url` layout, category lists on images, LVIS category metadata.
        case lvis
        /// COCO instances: `file_name`, no LVIS-only fields.
        case coco
    }

    /// Validation settings.
    public struct Options: Sendable, Hashable {
        /// Conventions to check.
        public var profile: Profile
        /// Treat RLE segmentations as errors (detectron2's LVIS loader accepts polygons only).
        public var requirePolygons: Bool
        /// Violations listed in a report; further ones are only counted.
        public var maxReportedViolations: Int

        /// Settings; the defaults check LVIS conventions and list up to 1000 violations.
        public init(profile: Profile = .lvis, requirePolygons: Bool = false, maxReportedViolations: Int = 1000) {
            self.profile = profile
            self.requirePolygons = requirePolygons
            self.maxReportedViolations = maxReportedViolations
        }
    }

    /// The settings in use.
    public var options: Options

    /// A validator with `options`.
    public init(options: Options = Options()) {
        self.options = options
    }

    /// Validates an in-memory dataset.
    public func validate(_ dataset: LVISDataset) -> LVISValidationReport {
        var state = LVISValidationState(options: options)
        for (i, image) in dataset.images.enumerated() { state.add(image: image, index: i) }
        for (i, category) in dataset.categories.enumerated() { state.add(category: category, index: i) }
        state.sealCategories()
        for (i, annotation) in dataset.annotations.enumerated() { state.add(annotation: annotation, index: i) }
        return state.finish(sectionsPresent: .all)
    }

    /// Validates the file at `url` in two streaming passes. A file that is not well-formed JSON
    /// of the LVIS shape yields a report with one `json.malformed` error (validation cannot go on
    /// past a syntax error). Throws only `LVISError.io`.
    public func validate(fileAt url: URL, chunkSize: Int = 1 << 20) throws -> LVISValidationReport {
        let reader = LVISReader(url: url, chunkSize: chunkSize)
        var definitions = DefinitionPass(state: LVISValidationState(options: options))
        let summary: LVISReadSummary
        do {
            summary = try reader.read(sections: [.images, .categories], into: &definitions)
        } catch let error as LVISError {
            return try Self.malformedReport(error, state: definitions.state)
        }
        var annotations = AnnotationPass(state: definitions.state)
        annotations.state.sealCategories()
        do {
            try reader.read(sections: [.annotations], into: &annotations)
        } catch let error as LVISError {
            return try Self.malformedReport(error, state: annotations.state)
        }
        return annotations.state.finish(sectionsPresent: summary.sectionsPresent)
    }

    private static func malformedReport(_ error: LVISError, state: LVISValidationState) throws -> LVISValidationReport {
        guard case .malformed(let path, let offset, let message) = error else { throw error }
        var state = state
        state.record(.malformed, .error, path, "\(message) (byte \(offset))")
        return state.report
    }

    private struct DefinitionPass: LVISVisitor {
        var state: LVISValidationState
        mutating func visit(image: LVISImage, index: Int) { state.add(image: image, index: index) }
        mutating func visit(category: LVISCategory, index: Int) { state.add(category: category, index: index) }
    }

    private struct AnnotationPass: LVISVisitor {
        var state: LVISValidationState
        mutating func visit(annotation: LVISAnnotation, index: Int) { state.add(annotation: annotation, index: index) }
    }
}

/// The incremental checker behind `LVISValidator` and `LVISWriter`: feed images and categories,
/// seal the categories, feed annotations, finish.
///
/// References to categories may come before the categories themselves (they are resolved when
/// the categories are sealed); an annotation's image must have been added before it.
struct LVISValidationState {
    let options: LVISValidator.Options
    private(set) var report = LVISValidationReport()

    private struct ImageFacts {
        var index: Int
        var width: Int
        var height: Int
        var negCategoryIDs: [Int]
    }

    private struct PendingReference {
        var code: LVISViolation.Code
        var path: String
        var count: Int
    }

    private var images: [Int: ImageFacts] = [:]
    private var categoryIDs: [Int: Int] = [:]
    private var categoryNames: [String: Int] = [:]
    private var categoriesSealed = false
    /// Every category id referenced so far, with the first path per rule and a count: resolved
    /// when the categories are sealed, and again if a writer is finished with other categories.
    private var categoryReferences: [Int: [PendingReference]] = [:]
    private var annotationIDs = Set<Int>()
    /// References of the element being checked, to categories not yet known.
    private var pendingReferences: [(Int, PendingReference)] = []

    /// Violations of the element being checked.
    private var current: [LVISViolation] = []
    /// Writer mode: an element with errors is not remembered, so it can be fixed and re-added.
    let rejectInvalidElements: Bool

    init(options: LVISValidator.Options, rejectInvalidElements: Bool = false) {
        self.options = options
        self.rejectInvalidElements = rejectInvalidElements
    }

    /// Records a violation of the whole-dataset kind straight into the report.
    mutating func record(_ code: LVISViolation.Code, _ severity: LVISViolation.Severity, _ path: @autoclosure () -> String, _ message: @autoclosure () -> String) {
        report.countsByCode[code, default: 0] += 1
        switch severity {
        case .error: report.errorCount += 1
        case .warning: report.warningCount += 1
        }
        if report.violations.count < options.maxReportedViolations {
            report.violations.append(LVISViolation(code: code, severity: severity, path: path(), message: message()))
        }
    }

    /// Notes a violation of the element being checked.
    private mutating func flag(_ code: LVISViolation.Code, _ severity: LVISViolation.Severity, _ path: @autoclosure () -> String, _ message: @autoclosure () -> String) {
        current.append(LVISViolation(code: code, severity: severity, path: path(), message: message()))
    }

    /// Moves the current element's violations into the report and returns them. A rejected
    /// element (writer mode) leaves no trace in the report: it is not part of the output.
    private mutating func flushCurrent() -> [LVISViolation] {
        guard !current.isEmpty else { return [] }
        let found = current
        let accepted = mayCommit
        current.removeAll(keepingCapacity: true)
        if accepted {
            for v in found { record(v.code, v.severity, v.path, v.message) }
        }
        return found
    }

    /// Whether the element being checked may be remembered (its id, its references).
    private var mayCommit: Bool {
        !rejectInvalidElements || !current.contains { $0.severity == .error }
    }

    // MARK: Images

    /// Checks an image; returns its violations. The image is remembered (for annotations and
    /// duplicate ids) unless it has errors and this state rejects invalid elements.
    @discardableResult
    mutating func add(image: LVISImage, index: Int) -> [LVISViolation] {
        report.imageCount += 1
        let path = "$.images[\(index)]"
        if let previous = images[image.id] {
            flag(.imageDuplicateID, .error, path + ".id", "image id \(image.id) already used by $.images[\(previous.index)]")
        }
        if image.width < 1 || image.height < 1 {
            flag(.imageInvalidSize, .error, path, "width and height must be at least 1, found \(image.width)×\(image.height)")
        }
        checkLocation(of: image, path: path)
        let neg = image.negCategoryIDs ?? []
        if options.profile == .lvis {
            if image.negCategoryIDs == nil {
                flag(.imageMissingNegCategoryIDs, .error, path, "neg_category_ids is required by the LVIS evaluator (use [] for none)")
            }
            if image.notExhaustiveCategoryIDs == nil {
                flag(.imageMissingNotExhaustiveCategoryIDs, .error, path,
                       "not_exhaustive_category_ids is required by the LVIS evaluator (use [] for none)")
            }
        }
        for (listName, list) in [("neg_category_ids", image.negCategoryIDs), ("not_exhaustive_category_ids", image.notExhaustiveCategoryIDs)] {
            guard let list else { continue }
            var seen = Set<Int>()
            for (k, id) in list.enumerated() {
                let itemPath = "\(path).\(listName)[\(k)]"
                if !seen.insert(id).inserted {
                    flag(.imageDuplicateListedCategory, .error, itemPath, "category \(id) listed twice")
                }
                reference(category: id, code: .imageUnknownListedCategory, path: itemPath)
            }
        }
        if let neg = image.negCategoryIDs, let notExhaustive = image.notExhaustiveCategoryIDs {
            let overlap = Set(neg).intersection(notExhaustive)
            if !overlap.isEmpty {
                flag(.imageNegNotExhaustiveOverlap, .error, path,
                       "categories \(overlap.sorted()) are both verified absent and not exhaustively annotated")
            }
        }
        if mayCommit {
            if images[image.id] == nil {
                images[image.id] = ImageFacts(index: index, width: image.width, height: image.height, negCategoryIDs: neg)
            }
            commitReferences()
        }
        pendingReferences.removeAll(keepingCapacity: true)
        return flushCurrent()
    }

    private mutating func checkLocation(of image: LVISImage, path: String) {
        switch options.profile {
        case .coco:
            if image.fileName?.isEmpty ?? true {
                flag(.imageMissingFileName, .error, path, "file_name is required for COCO loaders")
            }
        case .lvis:
            guard let url = image.cocoURL else {
                flag(.imageMissingCocoURL, .error, path, "coco_url is required: detectron2 and mmdetection derive the image path from it")
                return
            }
            // Same shape as schemas/lvis-v1-instances.schema.json: scheme://host/…/<split>/<file>.
            let parts = url.split(separator: "/", omittingEmptySubsequences: false)
            let schemeOK = url.hasPrefix("http://") || url.hasPrefix("https://")
            let layoutOK = schemeOK && parts.count >= 5 && parts[2].isEmpty == false
                && parts.dropFirst(3).allSatisfy { !$0.isEmpty }
            if !layoutOK {
                flag(.imageCocoURLLayout, .error, path + ".coco_url",
                       "coco_url must look like http://<host>/<split>/<file>, found \"\(url)\"")
            } else if !url.hasPrefix("http://images.cocodataset.org/") {
                flag(.imageCocoURLHost, .warning, path + ".coco_url",
                       "mmdetection strips only http://images.cocodataset.org/ from coco_url, found \"\(url)\"")
            }
            if let fileName = image.fileName {
                if layoutOK {
                    let file = String(parts[parts.count - 1])
                    let splitFile = "\(parts[parts.count - 2])/\(file)"
                    if fileName != file && fileName != splitFile {
                        flag(.imageFileNameMismatch, .warning, path + ".file_name",
                               "file_name \"\(fileName)\" is neither \"\(file)\" nor \"\(splitFile)\" from coco_url")
                    }
                }
            } else {
                flag(.imageMissingFileName, .warning, path, "file_name is absent (LVIS loaders use coco_url; COCO tools expect file_name)")
            }
        }
    }

    // MARK: Categories

    /// Checks a category; returns its violations.
    @discardableResult
    mutating func add(category: LVISCategory, index: Int) -> [LVISViolation] {
        report.categoryCount += 1
        let path = "$.categories[\(index)]"
        if let previous = categoryIDs[category.id] {
            flag(.categoryDuplicateID, .error, path + ".id", "category id \(category.id) already used by $.categories[\(previous)]")
        }
        if category.id < 1 {
            flag(.categoryIDNotPositive, .error, path + ".id", "category ids are 1-based, found \(category.id)")
        }
        if category.name.isEmpty {
            flag(.categoryEmptyName, .error, path + ".name", "category name is empty")
        } else if let previous = categoryNames[category.name] {
            flag(.categoryDuplicateName, .warning, path + ".name",
                   "name \"\(category.name)\" already used by $.categories[\(previous)]")
        }
        if options.profile == .lvis {
            if category.frequency == nil {
                flag(.categoryMissingFrequency, .error, path, "frequency (r/c/f) is required by the LVIS evaluator")
            }
            var missing: [String] = []
            if category.synset == nil { missing.append("synset") }
            if category.synonyms == nil { missing.append("synonyms") }
            if category.definition == nil { missing.append("def") }
            if category.imageCount == nil { missing.append("image_count") }
            if category.instanceCount == nil { missing.append("instance_count") }
            if !missing.isEmpty {
                flag(.categoryMissingMetadata, .warning, path, "missing LVIS fields: \(missing.joined(separator: ", "))")
            }
        }
        if mayCommit {
            if categoryIDs[category.id] == nil { categoryIDs[category.id] = index }
            if categoryNames[category.name] == nil { categoryNames[category.name] = index }
        }
        return flushCurrent()
    }

    /// Declares the category list complete: pending references are resolved, later ones are
    /// checked on arrival.
    mutating func sealCategories() {
        guard !categoriesSealed else { return }
        categoriesSealed = true
        for (id, references) in categoryReferences.sorted(by: { $0.key < $1.key }) where categoryIDs[id] == nil {
            for r in references {
                let more = r.count > 1 ? " (and \(r.count - 1) more references)" : ""
                record(r.code, .error, r.path, "category \(id) is not in categories\(more)")
                // The remaining references count as violations too, without being listed.
                if r.count > 1 {
                    report.countsByCode[r.code, default: 0] += r.count - 1
                    report.errorCount += r.count - 1
                }
            }
        }
    }

    /// Takes over the category references of `other` (checked when this state is sealed).
    mutating func adoptReferences(of other: LVISValidationState) {
        categoryReferences = other.categoryReferences
    }

    private mutating func reference(category id: Int, code: LVISViolation.Code, path: @autoclosure () -> String) {
        if categoriesSealed && categoryIDs[id] == nil {
            flag(code, .error, path(), "category \(id) is not in categories")
        }
        if categoryReferences[id]?.contains(where: { $0.code == code }) ?? false {
            // Only the first use is listed: just count this one.
            pendingReferences.append((id, PendingReference(code: code, path: "", count: 1)))
        } else {
            pendingReferences.append((id, PendingReference(code: code, path: path(), count: 1)))
        }
    }

    /// Remembers the current element's references to categories not yet known.
    private mutating func commitReferences() {
        for (id, r) in pendingReferences {
            if let k = categoryReferences[id]?.firstIndex(where: { $0.code == r.code }) {
                categoryReferences[id]![k].count += 1
            } else {
                categoryReferences[id, default: []].append(r)
            }
        }
    }

    // MARK: Annotations

    /// Checks an annotation (its image must have been added); returns its violations.
    @discardableResult
    mutating func add(annotation a: LVISAnnotation, index: Int) -> [LVISViolation] {
        report.annotationCount += 1
        let path = "$.annotations[\(index)]"
        if annotationIDs.contains(a.id) {
            flag(.annotationDuplicateID, .error, path + ".id", "annotation id \(a.id) is used more than once")
        }
        if a.id < 1 {
            flag(.annotationIDNotPositive, .error, path + ".id",
                   "annotation ids start at 1: COCO/LVIS evaluation reads id 0 as 'unmatched', found \(a.id)")
        }
        reference(category: a.categoryID, code: .annotationUnknownCategory, path: path + ".category_id")
        let image = images[a.imageID]
        if image == nil {
            flag(.annotationUnknownImage, .error, path + ".image_id", "image \(a.imageID) is not in images")
        }
        if let image, image.negCategoryIDs.contains(a.categoryID) {
            flag(.annotationCategoryNegative, .error, path + ".category_id",
                   "category \(a.categoryID) is annotated but listed in neg_category_ids of image \(a.imageID)")
        }
        if let crowd = a.isCrowd, crowd != 0 && crowd != 1 {
            flag(.annotationIsCrowdInvalid, .error, path + ".iscrowd", "iscrowd must be 0 or 1, found \(crowd)")
        }
        checkGeometry(a, image: image, path: path)
        if mayCommit {
            annotationIDs.insert(a.id)
            commitReferences()
        }
        pendingReferences.removeAll(keepingCapacity: true)
        return flushCurrent()
    }

    private mutating func checkGeometry(_ a: LVISAnnotation, image: ImageFacts?, path: String) {
        let box = a.bbox
        if !a.area.isFinite || ![box.x, box.y, box.width, box.height].allSatisfy(\.isFinite) {
            flag(.annotationNonFinite, .error, path, "area and bbox must be finite numbers")
        } else {
            if a.area <= 0 {
                flag(.annotationAreaNotPositive, .error, path + ".area", "area must be > 0 (mmdetection drops the instance), found \(a.area)")
            }
            if box.width < 1 || box.height < 1 {
                flag(.annotationBoxTooSmall, .error, path + ".bbox",
                       "bbox width and height must be ≥ 1 (mmdetection drops the instance), found \(box.width)×\(box.height)")
            }
            if let image {
                let w = Double(image.width), h = Double(image.height)
                let overlapW = min(box.x + box.width, w) - max(box.x, 0)
                let overlapH = min(box.y + box.height, h) - max(box.y, 0)
                if overlapW <= 0 || overlapH <= 0 {
                    flag(.annotationBoxOutsideImage, .error, path + ".bbox",
                           "bbox \(Self.format(box)) does not overlap the \(image.width)×\(image.height) image")
                } else if box.x < 0 || box.y < 0 || box.x + box.width > w + 1e-6 || box.y + box.height > h + 1e-6 {
                    flag(.annotationBoxExceedsImage, .warning, path + ".bbox",
                           "bbox \(Self.format(box)) extends past the \(image.width)×\(image.height) image")
                }
            }
        }
        switch a.segmentation {
        case .polygons(let rings):
            if rings.isEmpty {
                flag(.annotationSegmentationEmpty, .error, path + ".segmentation", "segmentation has no polygon")
            }
            for (k, ring) in rings.enumerated() {
                if ring.count % 2 != 0 {
                    flag(.annotationPolygonOddLength, .error, path + ".segmentation[\(k)]",
                           "a polygon lists x, y pairs; found \(ring.count) numbers")
                } else if ring.count < 6 {
                    flag(.annotationPolygonTooShort, .error, path + ".segmentation[\(k)]",
                           "a polygon needs at least 3 points, found \(ring.count / 2)")
                }
                if !ring.allSatisfy(\.isFinite) {
                    flag(.annotationNonFinite, .error, path + ".segmentation[\(k)]", "polygon coordinates must be finite")
                }
            }
        case .rle(let rle):
            if options.requirePolygons {
                flag(.annotationRLENotPolygon, .error, path + ".segmentation", "RLE segmentation; detectron2's LVIS loader needs polygons")
            } else {
                flag(.annotationRLENotPolygon, .warning, path + ".segmentation", "RLE segmentation; detectron2's LVIS loader needs polygons")
            }
            if let image, rle.height != image.height || rle.width != image.width {
                flag(.annotationRLESizeMismatch, .error, path + ".segmentation.size",
                       "RLE size [\(rle.height), \(rle.width)] differs from image [\(image.height), \(image.width)]")
            }
            checkCounts(rle, path: path + ".segmentation.counts")
        }
    }

    private mutating func checkCounts(_ rle: LVISRLE, path: String) {
        do {
            _ = try rle.decoded()
        } catch {
            // pycocotools would decode garbage or a mask of the wrong size from these counts.
            flag(.annotationRLECountsInvalid, .error, path, "\(error.description)")
        }
    }

    private static func format(_ b: LVISBox) -> String { "[\(b.x), \(b.y), \(b.width), \(b.height)]" }

    // MARK: End

    /// Runs the whole-file checks and returns the report.
    mutating func finish(sectionsPresent: LVISSections) -> LVISValidationReport {
        sealCategories()
        for (section, name) in [(LVISSections.images, "images"), (.annotations, "annotations"), (.categories, "categories")]
        where !sectionsPresent.contains(section) {
            record(.missingSection, .error, "$", "the top-level \"\(name)\" array is missing")
        }
        if sectionsPresent.contains(.categories) && categoryIDs.isEmpty {
            record(.categoriesEmpty, .error, "$.categories", "there are no categories")
        }
        if !categoryIDs.isEmpty {
            let low = categoryIDs.keys.min() ?? 0, high = categoryIDs.keys.max() ?? 0, n = categoryIDs.count
            if low != 1 || high != n {
                record(.categoryIDsNotContiguous, .warning, "$.categories",
                       "category ids are not exactly 1…\(n) (min \(low), max \(high)): detectron2 maps category_id - 1 to class indices")
            }
        }
        return report
    }
}
