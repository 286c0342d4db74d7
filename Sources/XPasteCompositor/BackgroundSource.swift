import XPasteImage

/// One background's own annotation, rasterised.
public struct BackgroundObject: Sendable, Hashable {
    /// Annotation id in the background file (provenance).
    public var annotationID: Int
    /// Category id (output space).
    public var category: Int
    /// COCO `iscrowd`.
    public var isCrowd: Bool
    /// The mask, cropped to `frame`.
    public var mask: BinaryMask
    /// Where the mask lies in the image.
    public var frame: PixelBox

    /// Creates an object.
    public init(annotationID: Int, category: Int, isCrowd: Bool, mask: BinaryMask, frame: PixelBox) {
        self.annotationID = annotationID
        self.category = category
        self.isCrowd = isCrowd
        self.mask = mask
        self.frame = frame
    }
}

/// A background ready to paste on.
public struct LoadedBackground: Sendable {
    /// RGB pixels (resized when the run limits the image side).
    public var image: Image
    /// Its annotations, empty for unannotated backgrounds.
    public var objects: [BackgroundObject]
    /// What its labels said before pasting.
    public var labels: FederatedLabels.Background
    /// Where it came from, for the manifest (file path, background image id, bank source id).
    public var provenance: [String: String]
    /// Image metadata carried over to the output (`license`, `flickr_url`, `date_captured`).
    public var license: Int?
    /// `flickr_url` of the source image.
    public var flickrURL: String?
    /// `date_captured` of the source image.
    public var dateCaptured: String?
    /// True when the annotations were scaled from the file's stated size to the image on disk.
    public var annotationsRescaled = false
    /// The large-scale jitter's geometry, when the background was loaded with one.
    public var jitter: LargeScaleJitter.Geometry?

    /// Creates a background.
    public init(image: Image, objects: [BackgroundObject] = [], labels: FederatedLabels.Background = .unlabelled,
                provenance: [String: String], license: Int? = nil, flickrURL: String? = nil, dateCaptured: String? = nil) {
        self.image = image
        self.objects = objects
        self.labels = labels
        self.provenance = provenance
        self.license = license
        self.flickrURL = flickrURL
        self.dateCaptured = dateCaptured
    }
}

/// Where backgrounds come from: an annotated LVIS/COCO set, a plain image folder, or the bank's
/// generated backgrounds. Output image i uses background i mod `count`.
///
/// `load` is called from several worker threads at once.
public protocol BackgroundSource: Sendable {
    /// Number of backgrounds.
    var count: Int { get }
    /// What to record in the manifest about the input.
    var manifestDescription: [String: String] { get }
    /// Loads background `index` (0 ..< count) as RGB, brought to `fit` (annotations transformed
    /// with it, those left with no pixel dropped).
    func load(_ index: Int, fit: BackgroundFit) throws(CompositorError) -> LoadedBackground
    /// Inputs left out when the source was read (annotations naming unknown images), by reason.
    var inputSkips: [SkipReason: Int] { get }
}

extension BackgroundSource {
    /// Sources read whole images only: nothing is left out up front.
    public var inputSkips: [SkipReason: Int] { [:] }

    /// Loads background `index` downsized so that its longer side is at most `maxSide` when given.
    public func load(_ index: Int, maxSide: Int?) throws(CompositorError) -> LoadedBackground {
        try load(index, fit: maxSide.map { .maxSide($0) } ?? .original)
    }
}
