/// Colour jitter factors for one cutout, applied in `order` (albumentations' ColorJitter shuffles
/// the four transforms per call; the order is drawn with the factors so replays are exact).
public struct ColorJitter: Sendable, Hashable, Codable {
    /// Multiplies every channel.
    public var brightness: Double
    /// Blends towards the mean grey level: 1 keeps, 0 gives flat grey.
    public var contrast: Double
    /// Blends towards the pixel's grey value: 1 keeps, 0 gives greyscale.
    public var saturation: Double
    /// Hue shift as a fraction of the full circle.
    public var hue: Double
    /// Permutation of 0 = brightness, 1 = contrast, 2 = saturation, 3 = hue.
    public var order: [Int]

    /// Creates a jitter.
    public init(brightness: Double, contrast: Double, saturation: Double, hue: Double, order: [Int] = [0, 1, 2, 3]) {
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation
        self.hue = hue
        self.order = order
    }
}

/// One planned paste: which cutout, at what size, with which augmentations, where.
///
/// The pixel size is not fixed here: as in X-Paste it follows from the cutout's own aspect ratio,
/// which is known once the cutout is loaded (`targetSize`).
public struct PlannedPaste: Sendable, Hashable, Codable {
    /// Bank instance id of the cutout.
    public var instanceID: Int64
    /// Output category id.
    public var category: Int
    /// s = sqrt(object area / image area), already clipped.
    public var sizeRatio: Double
    /// Factor applied to the cutout's width/height ratio.
    public var aspectJitter: Double
    /// Mirror left–right.
    public var flip: Bool
    /// Counter-clockwise rotation in degrees (0: none).
    public var rotationDegrees: Double
    /// Colour jitter, when drawn.
    public var colorJitter: ColorJitter?
    /// Column of the patch centre in the background.
    public var centerX: Int
    /// Row of the patch centre in the background.
    public var centerY: Int

    /// Creates a planned paste.
    public init(instanceID: Int64, category: Int, sizeRatio: Double, aspectJitter: Double = 1, flip: Bool = false,
                rotationDegrees: Double = 0, colorJitter: ColorJitter? = nil, centerX: Int, centerY: Int) {
        self.instanceID = instanceID
        self.category = category
        self.sizeRatio = sizeRatio
        self.aspectJitter = aspectJitter
        self.flip = flip
        self.rotationDegrees = rotationDegrees
        self.colorJitter = colorJitter
        self.centerX = centerX
        self.centerY = centerY
    }

    /// The pixel size of the resized cutout, X-Paste's formula: area = s²·W·H, aspect = cutout
    /// w/h × jitter, width = ⌊√(aspect·area)⌋, height = ⌊width / aspect⌋ (both truncated as
    /// X-Paste's `int()` does); nil when a side is under `minSide` or not smaller than the image
    /// (X-Paste skips such draws).
    public func targetSize(cutoutWidth: Int, cutoutHeight: Int, imageWidth: Int, imageHeight: Int, minSide: Int) -> (width: Int, height: Int)? {
        guard cutoutWidth > 0, cutoutHeight > 0 else { return nil }
        let area = sizeRatio * sizeRatio * Double(imageWidth) * Double(imageHeight)
        let aspect = Double(cutoutWidth) / Double(cutoutHeight) * aspectJitter
        let wf = (aspect * area).squareRoot()
        let hf = wf / aspect
        guard wf.isFinite, hf.isFinite, wf < Double(1 << 30), hf < Double(1 << 30) else { return nil }
        let w = Int(wf), h = Int(hf)
        guard w >= minSide, h >= minSide, w < imageWidth, h < imageHeight else { return nil }
        return (w, h)
    }
}

/// Everything decided at random for one output image, before any pixel is touched.
public struct PastePlan: Sendable, Hashable, Codable {
    /// Pastes in z-order: later ones are drawn over earlier ones.
    public var pastes: [PlannedPaste]

    /// Creates a plan.
    public init(pastes: [PlannedPaste]) {
        self.pastes = pastes
    }
}
