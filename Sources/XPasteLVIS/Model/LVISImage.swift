/// One entry of `images`.
///
/// LVIS v1 requires `coco_url`, `neg_category_ids` and `not_exhaustive_category_ids`; COCO files
/// have `file_name` and no category lists. Both read into this type; `LVISValidator` says which
/// loader needs what.
public struct LVISImage: Codable, Sendable, Hashable {
    /// `id`, unique in the file.
    public var id: Int
    /// `width` in pixels.
    public var width: Int
    /// `height` in pixels.
    public var height: Int
    /// `coco_url`: detectron2 takes the image path from its last two segments (`<split>/<file>`),
    /// mmdetection strips `http://images.cocodataset.org/` from it.
    public var cocoURL: String?
    /// `file_name`.
    public var fileName: String?
    /// `neg_category_ids`: categories verified absent from the image.
    public var negCategoryIDs: [Int]?
    /// `not_exhaustive_category_ids`: categories present but not all instances annotated.
    public var notExhaustiveCategoryIDs: [Int]?
    /// `license`: an id from `licenses`.
    public var license: Int?
    /// `flickr_url`.
    public var flickrURL: String?
    /// `date_captured`.
    public var dateCaptured: String?

    /// An image entry.
    public init(
        id: Int, width: Int, height: Int, cocoURL: String? = nil, fileName: String? = nil,
        negCategoryIDs: [Int]? = nil, notExhaustiveCategoryIDs: [Int]? = nil, license: Int? = nil,
        flickrURL: String? = nil, dateCaptured: String? = nil
    ) {
        self.id = id
        self.width = width
        self.height = height
        self.cocoURL = cocoURL
        self.fileName = fileName
        self.negCategoryIDs = negCategoryIDs
        self.notExhaustiveCategoryIDs = notExhaustiveCategoryIDs
        self.license = license
        self.flickrURL = flickrURL
        self.dateCaptured = dateCaptured
    }

    /// An LVIS image stored at `<root>/<split>/<file>`: `coco_url` is
    /// `http://images.cocodataset.org/<split>/<file>` (the layout both detectron2 and
    /// mmdetection derive paths from), `file_name` is `<split>/<file>`, and the category lists
    /// start empty.
    public static func lvis(
        id: Int, width: Int, height: Int, split: String, file: String,
        negCategoryIDs: [Int] = [], notExhaustiveCategoryIDs: [Int] = []
    ) -> LVISImage {
        LVISImage(
            id: id, width: width, height: height,
            cocoURL: "http://images.cocodataset.org/\(split)/\(file)", fileName: "\(split)/\(file)",
            negCategoryIDs: negCategoryIDs, notExhaustiveCategoryIDs: notExhaustiveCategoryIDs
        )
    }

    enum CodingKeys: String, CodingKey {
        case id, width, height, license
        case cocoURL = "coco_url"
        case fileName = "file_name"
        case negCategoryIDs = "neg_category_ids"
        case notExhaustiveCategoryIDs = "not_exhaustive_category_ids"
        case flickrURL = "flickr_url"
        case dateCaptured = "date_captured"
    }
}
