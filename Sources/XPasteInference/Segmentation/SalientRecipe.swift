import XPasteImage

/// How a rembg salient-object model is fed and read: input size and normalisation, whether its
/// output is a logit, and the resampling filters on the way in and out.
///
/// The families (rembg's sessions, see reference-facts "Salient-object segmenters"):
/// - u2net, u2netp, silueta (and u2net_human_seg): 320×320, ImageNet mean/std;
/// - isnet-general-use (and isnet-anime): 1024×1024, mean 0.5, std 1.0;
/// - birefnet-*: 1024×1024, ImageNet mean/std, the output is a logit (sigmoid before min-max).
///
/// Every family divides the resized 8-bit image by its largest value before the mean and std,
/// takes channel 0 of the first output, min-max normalises it to 0…1, scales by 255 and truncates
/// to 8 bits, and resizes that mask back to the image's size. rembg resizes with Pillow's LANCZOS
/// both ways, which is the default here, so our masks match rembg's.
public struct SalientRecipe: Sendable, Hashable {
    /// The model families that differ in their recipe.
    public enum Family: String, Sendable, Hashable, CaseIterable, Codable {
        /// U²-Net and its small and portrait variants, silueta.
        case u2net
        /// IS-Net (DIS).
        case isnet
        /// BiRefNet.
        case birefnet
    }

    /// The family the recipe came from.
    public var family: Family
    /// Model input width in pixels (the model's own fixed size wins when it has one).
    public var width: Int
    /// Model input height in pixels.
    public var height: Int
    /// Per-channel mean (RGB) subtracted after dividing by the largest pixel value.
    public var mean: [Double]
    /// Per-channel standard deviation (RGB).
    public var std: [Double]
    /// Whether the model outputs logits that need a sigmoid before min-max normalisation.
    public var sigmoid: Bool
    /// Filter that resizes the image to the model's input.
    public var inputFilter: ResizeFilter
    /// Filter that resizes the model's mask back to the image.
    public var outputFilter: ResizeFilter

    /// ImageNet's channel means.
    public static let imageNetMean = [0.485, 0.456, 0.406]
    /// ImageNet's channel standard deviations.
    public static let imageNetStd = [0.229, 0.224, 0.225]

    /// A recipe; the filters default to rembg's LANCZOS.
    public init(
        family: Family, width: Int, height: Int, mean: [Double], std: [Double], sigmoid: Bool,
        inputFilter: ResizeFilter = .lanczos, outputFilter: ResizeFilter = .lanczos
    ) {
        self.family = family
        self.width = width
        self.height = height
        self.mean = mean
        self.std = std
        self.sigmoid = sigmoid
        self.inputFilter = inputFilter
        self.outputFilter = outputFilter
    }

    /// rembg's recipe for a family.
    public init(family: Family) {
        switch family {
        case .u2net:
            self.init(family: family, width: 320, height: 320, mean: Self.imageNetMean, std: Self.imageNetStd, sigmoid: false)
        case .isnet:
            self.init(family: family, width: 1024, height: 1024, mean: [0.5, 0.5, 0.5], std: [1, 1, 1], sigmoid: false)
        case .birefnet:
            self.init(family: family, width: 1024, height: 1024, mean: Self.imageNetMean, std: Self.imageNetStd, sigmoid: true)
        }
    }

    /// The family of a model variant or name as rembg and the model catalogue spell them
    /// (`u2net`, `u2netp`, `silueta`, `isnet-general-use`, `birefnet-general`, …); nil when unknown.
    public static func family(ofVariant variant: String) -> Family? {
        let v = variant.lowercased()
        if v.hasPrefix("u2net") || v.hasPrefix("silueta") { return .u2net }
        if v.hasPrefix("isnet") { return .isnet }
        if v.hasPrefix("birefnet") { return .birefnet }
        return nil
    }

    /// This recipe with a manifest's preprocessing overrides applied (size, mean, std).
    public func overridden(by preprocessing: ModelManifest.Preprocessing?) -> SalientRecipe {
        guard let preprocessing else { return self }
        var out = self
        if let size = preprocessing.size {
            out.width = size
            out.height = size
        }
        // Manifests hold Float; the decimal a person wrote (0.485) is what rembg computes with,
        // so go through the shortest decimal form rather than widening the binary Float.
        if let mean = preprocessing.mean { out.mean = mean.map { Double($0.description) ?? Double($0) } }
        if let std = preprocessing.std { out.std = std.map { Double($0.description) ?? Double($0) } }
        return out
    }
}
