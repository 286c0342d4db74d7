/// One entry of `annotations`: an object instance in an image.
public struct LVISAnnotation: Codable, Sendable, Hashable {
    /// `id`, unique in the file.
    public var id: Int
    /// `image_id`: the image this instance is in.
    public var imageID: Int
    /// `category_id`: an id from `categories` (LVIS ids are 1-based).
    public var categoryID: Int
    /// `segmentation`.
    public var segmentation: LVISSegmentation
    /// `area`: the mask area in pixels.
    public var area: Double
    /// `bbox`.
    public var bbox: LVISBox
    /// `iscrowd` (COCO; LVIS files omit it).
    public var isCrowd: Int?

    /// An annotation.
    public init(
        id: Int, imageID: Int, categoryID: Int, segmentation: LVISSegmentation, area: Double,
        bbox: LVISBox, isCrowd: Int? = nil
    ) {
        self.id = id
        self.imageID = imageID
        self.categoryID = categoryID
        self.segmentation = segmentation
        self.area = area
        self.bbox = bbox
        self.isCrowd = isCrowd
    }

    enum CodingKeys: String, CodingKey {
        case id, segmentation, area, bbox
        case imageID = "image_id"
        case categoryID = "category_id"
        case isCrowd = "iscrowd"
    }
}
