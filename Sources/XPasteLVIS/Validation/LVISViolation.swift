/// One rule broken by an LVIS/COCO file, with where and why.
public struct LVISViolation: Sendable, Hashable, CustomStringConvertible {
    /// How bad a violation is.
    public enum Severity: String, Sendable, Hashable, Comparable {
        /// A loader rejects the file, crashes, silently drops data or evaluates wrongly.
        case error
        /// Loads, but probably not as intended (e.g. a path layout only one loader understands).
        case warning

        /// Errors sort first.
        public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
    }

    /// Stable identifiers of the rules. Raw values never change; new rules get new codes.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The file is not JSON of the LVIS/COCO shape (reported once; validation stops there).
        case malformed = "json.malformed"
        /// `images`, `annotations` or `categories` is missing at the top level.
        case missingSection = "dataset.missing_section"
        /// Two images share an id.
        case imageDuplicateID = "image.duplicate_id"
        /// `width` or `height` below 1.
        case imageInvalidSize = "image.invalid_size"
        /// No `coco_url` (detectron2 and mmdetection build the image path from it).
        case imageMissingCocoURL = "image.missing_coco_url"
        /// `coco_url` does not end in `<split>/<file>`.
        case imageCocoURLLayout = "image.coco_url_layout"
        /// `coco_url` is not under `http://images.cocodataset.org/`, the prefix mmdetection strips.
        case imageCocoURLHost = "image.coco_url_host"
        /// No `file_name`.
        case imageMissingFileName = "image.missing_file_name"
        /// `file_name` is neither `<file>` nor `<split>/<file>` of `coco_url`.
        case imageFileNameMismatch = "image.file_name_mismatch"
        /// No `neg_category_ids` (the LVIS evaluator reads it for every image).
        case imageMissingNegCategoryIDs = "image.missing_neg_category_ids"
        /// No `not_exhaustive_category_ids` (the LVIS evaluator reads it for every image).
        case imageMissingNotExhaustiveCategoryIDs = "image.missing_not_exhaustive_category_ids"
        /// A `neg_category_ids` / `not_exhaustive_category_ids` entry is not a category id.
        case imageUnknownListedCategory = "image.unknown_listed_category"
        /// A category id appears twice in one of the lists.
        case imageDuplicateListedCategory = "image.duplicate_listed_category"
        /// A category is both verified absent (`neg`) and present but not exhaustive.
        case imageNegNotExhaustiveOverlap = "image.neg_not_exhaustive_overlap"
        /// Two annotations share an id (detectron2 asserts on this).
        case annotationDuplicateID = "annotation.duplicate_id"
        /// An annotation id below 1 (pycocotools numbers from 1).
        case annotationIDNotPositive = "annotation.id_not_positive"
        /// `image_id` names no image.
        case annotationUnknownImage = "annotation.unknown_image"
        /// `category_id` names no category.
        case annotationUnknownCategory = "annotation.unknown_category"
        /// The annotated category is in the image's `neg_category_ids`.
        case annotationCategoryNegative = "annotation.category_in_neg_list"
        /// `area` ≤ 0 (mmdetection drops the instance).
        case annotationAreaNotPositive = "annotation.area_not_positive"
        /// bbox width or height below 1 (mmdetection drops the instance).
        case annotationBoxTooSmall = "annotation.bbox_too_small"
        /// The bbox does not overlap its image (mmdetection drops the instance).
        case annotationBoxOutsideImage = "annotation.bbox_outside_image"
        /// The bbox sticks out of its image.
        case annotationBoxExceedsImage = "annotation.bbox_exceeds_image"
        /// A NaN or infinite number (cannot be written as JSON).
        case annotationNonFinite = "annotation.non_finite"
        /// An empty polygon list (detectron2 asserts `len(segm) > 0`).
        case annotationSegmentationEmpty = "annotation.segmentation_empty"
        /// A polygon with an odd number of coordinates.
        case annotationPolygonOddLength = "annotation.polygon_odd_length"
        /// A polygon with fewer than 3 points (detectron2 asserts; pycocotools misreads 4 numbers as a box).
        case annotationPolygonTooShort = "annotation.polygon_too_short"
        /// RLE `size` differs from the image's [height, width].
        case annotationRLESizeMismatch = "annotation.rle_size_mismatch"
        /// RLE counts are not valid or do not add up to height × width.
        case annotationRLECountsInvalid = "annotation.rle_counts_invalid"
        /// RLE segmentation, which detectron2's LVIS loader does not accept (polygons only).
        case annotationRLENotPolygon = "annotation.rle_not_polygon"
        /// `iscrowd` is not 0 or 1.
        case annotationIsCrowdInvalid = "annotation.iscrowd_invalid"
        /// Two categories share an id.
        case categoryDuplicateID = "category.duplicate_id"
        /// A category id below 1 (LVIS ids are 1-based; detectron2 subtracts 1).
        case categoryIDNotPositive = "category.id_not_positive"
        /// An empty category name.
        case categoryEmptyName = "category.empty_name"
        /// Two categories share a name.
        case categoryDuplicateName = "category.duplicate_name"
        /// No `frequency` (the LVIS evaluator groups AP by it).
        case categoryMissingFrequency = "category.missing_frequency"
        /// `synset`, `synonyms`, `def`, `image_count` or `instance_count` missing.
        case categoryMissingMetadata = "category.missing_metadata"
        /// Category ids are not exactly 1…N (detectron2 maps `category_id - 1` to its class index).
        case categoryIDsNotContiguous = "category.ids_not_contiguous"
        /// No categories at all.
        case categoriesEmpty = "dataset.no_categories"
    }

    /// Which rule.
    public var code: Code
    /// How bad.
    public var severity: Severity
    /// JSON path of the offending value, e.g. `$.annotations[12].bbox`.
    public var path: String
    /// What is wrong, with the values involved.
    public var message: String

    /// A violation.
    public init(code: Code, severity: Severity, path: String, message: String) {
        self.code = code
        self.severity = severity
        self.path = path
        self.message = message
    }

    /// `error image.duplicate_id at $.images[3].id: …`.
    public var description: String {
        "\(severity.rawValue) \(code.rawValue) at \(path): \(message)"
    }
}
