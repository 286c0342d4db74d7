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
public struct PlannedPaste: Sendable, Hashable, Codable {
    /// The cutout.
    public var instance: PoolInstance
    /// Width the cutout is resized to (before rotation).
    public var width: Int
    /// Height the cutout is resized to (before rotation).
    public var height: Int
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
    public init(instance: PoolInstance, width: Int, height: Int, flip: Bool = false, rotationDegrees: Double = 0,
                colorJitter: ColorJitter? = nil, centerX: Int, centerY: Int) {
        self.instance = instance
        self.width = width
        self.height = height
        self.flip = flip
        self.rotationDegrees = rotationDegrees
        self.colorJitter = colorJitter
        self.centerX = centerX
        self.centerY = centerY
    }
}

/// Everything decided at random for one output image, before any pixel is touched.
public struct PastePlan: Sendable, Hashable, Codable {
    /// Pastes in z-order: later ones are drawn over earlier ones.
    public var pastes: [PlannedPaste]
    /// Draws skipped because the sampled size fell outside [min patch side, image size)
    /// (X-Paste skips these too, so images get fewer pastes than drawn).
    public var skipped: Int

    /// Creates a plan.
    public init(pastes: [PlannedPaste], skipped: Int = 0) {
        self.pastes = pastes
        self.skipped = skipped
    }
}
