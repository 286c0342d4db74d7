import Foundation
import Logging
import XPasteImage

/// A salient-object segmenter on one of rembg's ONNX models (u2net, u2netp, silueta,
/// isnet-general-use, birefnet-*), fed and read as rembg does (`SalientRecipe`).
///
/// The model's first input and first output are used, as rembg does; their names, element type
/// (float or float16) and fixed sizes are read from the model. When the model fixes its input size
/// that size is used whatever the recipe says; when its batch axis is dynamic, images run
/// `maxBatch` at a time.
public final class SalientSegmenter: Segmenter {
    /// The name recorded with every cutout.
    public let name: String
    /// The model.
    public let session: InferenceSession
    /// How images are fed and masks read.
    public let recipe: SalientRecipe
    /// The model input that takes the image.
    public let input: TensorInfo
    /// The model output read as the mask.
    public let output: TensorInfo
    /// Most images per model run (1 when the model fixes its batch size).
    public let maxBatch: Int

    /// A segmenter on a loaded model. Throws `.invalidInput` when the model's first input is not a
    /// float `[N, 3, H, W]` tensor or its first output not `[N, C, H, W]` / `[N, H, W]`.
    public init(session: InferenceSession, name: String, recipe: SalientRecipe, maxBatch: Int = 4) throws(InferenceError) {
        guard let input = session.inputs.first, let output = session.outputs.first else {
            throw .invalidInput("\(session.source) has no inputs or no outputs")
        }
        guard input.rank == 4, input.shape[1] == nil || input.shape[1] == 3,
              input.elementType == .float || input.elementType == .float16 else {
            throw .invalidInput("\(name): the model's first input must be a float [N, 3, H, W] image, it is \(input)")
        }
        guard output.rank == 4 || output.rank == 3, output.elementType.byteSize != nil else {
            throw .invalidInput("\(name): the model's first output must be [N, C, H, W] or [N, H, W], it is \(output)")
        }
        var recipe = recipe
        if let h = input.shape[2] { recipe.height = h }
        if let w = input.shape[3] { recipe.width = w }
        guard recipe.width > 0, recipe.height > 0, recipe.mean.count == 3, recipe.std.count == 3,
              recipe.std.allSatisfy({ $0 != 0 }) else {
            throw .invalidInput("\(name): a recipe needs a positive size, three means and three non-zero stds")
        }
        self.name = name
        self.session = session
        self.recipe = recipe
        self.input = input
        self.output = output
        self.maxBatch = input.shape[0] == nil ? max(1, maxBatch) : 1
    }

    /// The model called `name` in a models folder: its manifest's family must be `segmenter`, its
    /// variant (or name) says the recipe, and the manifest's preprocessing overrides it. A model
    /// that is not there is `.modelNotFound`, naming the `xpaste models pull` that installs it.
    public convenience init(
        named name: String, in directory: ModelsDirectory, environment: InferenceEnvironment,
        options: SessionOptions = SessionOptions(), maxBatch: Int = 4, logger: Logger = Logger(label: "xpaste.inference")
    ) throws(InferenceError) {
        let (manifest, path) = try directory.installedModel(named: name, family: .segmenter)
        guard let family = SalientRecipe.family(ofVariant: manifest.variant ?? name) else {
            throw .invalidResource(
                "\(name): unknown segmenter variant \(manifest.variant ?? name); the manifest's variant must start with "
                    + "u2net, silueta, isnet or birefnet")
        }
        let recipe = SalientRecipe(family: family).overridden(by: manifest.preprocessing)
        let session = try InferenceSession(modelPath: path, environment: environment, options: options, logger: logger)
        try self.init(session: session, name: name, recipe: recipe, maxBatch: maxBatch)
    }

    /// The soft masks of `images`, each resized back to its image's size.
    public func segment(_ images: [Image]) throws(InferenceError) -> [Mask] {
        var masks: [Mask] = []
        masks.reserveCapacity(images.count)
        var start = 0
        while start < images.count {
            let chunk = Array(images[start..<min(start + maxBatch, images.count)])
            let out = try session.run([input.name: inputTensor(chunk)], outputNames: [output.name])
            masks += try self.masks(from: out[output.name]!, sizes: chunk.map { ($0.width, $0.height) })
            start += chunk.count
        }
        return masks
    }

    /// The model input for `images`: each converted to RGB (alpha dropped, as Pillow's
    /// `convert("RGB")`), resized to the input size, divided by its largest value, normalised with
    /// the recipe's mean and std, channel-major; float32 or float16 as the model takes.
    public func inputTensor(_ images: [Image]) throws(InferenceError) -> Tensor {
        let w = recipe.width, h = recipe.height, plane = w * h
        var values = [Float](repeating: 0, count: images.count * 3 * plane)
        for (n, image) in images.enumerated() {
            let resized: Image
            do {
                resized = try Self.rgb(image).resized(width: w, height: h, filter: recipe.inputFilter)
            } catch {
                throw .invalidInput("\(name) cannot resize a \(image.width)×\(image.height) image: \(error)")
            }
            let px = resized.pixels
            // rembg: `im / max(np.max(im), 1e-6)` then `(x - mean) / std` in float64, cast to float32.
            let largest = Double(px.max() ?? 0)
            let divisor = max(largest, 1e-6)
            let mean = recipe.mean, std = recipe.std
            values.withUnsafeMutableBufferPointer { dst in
                let base = n * 3 * plane
                for i in 0..<plane {
                    for c in 0..<3 {
                        dst[base + c * plane + i] = Float((Double(px[i * 3 + c]) / divisor - mean[c]) / std[c])
                    }
                }
            }
        }
        let shape = [images.count, 3, h, w]
        return input.elementType == .float16 ? try Tensor(float16From: values, shape: shape) : try Tensor(floats: values, shape: shape)
    }

    /// Masks from the model's output: channel 0 of each item, a sigmoid when the recipe says so,
    /// min-max normalised over the item, times 255 truncated to 8 bits (rembg's
    /// `(pred * 255).astype("uint8")`), resized to `sizes[i]` (width, height). An item whose map is
    /// constant has no salient object and gives an empty mask.
    public func masks(from tensor: Tensor, sizes: [(Int, Int)]) throws(InferenceError) -> [Mask] {
        let shape = tensor.shape
        guard shape.count == 3 || shape.count == 4, shape[0] == sizes.count else {
            throw .invalidInput("\(name): output shape \(shape) does not hold \(sizes.count) masks")
        }
        let oh = shape[shape.count - 2], ow = shape[shape.count - 1]
        let itemStride = shape.dropFirst().reduce(1, *)
        guard oh > 0, ow > 0, itemStride > 0 else { throw .invalidInput("\(name): empty output \(shape)") }
        let values = try tensor.floats()
        var masks: [Mask] = []
        for (n, size) in sizes.enumerated() {
            let plane = values[(n * itemStride)..<(n * itemStride + oh * ow)]
            do {
                let mask = try Mask(width: ow, height: oh, values: Self.normalised(plane, sigmoid: recipe.sigmoid))
                masks.append(try mask.resized(width: size.0, height: size.1, filter: recipe.outputFilter))
            } catch {
                throw .invalidInput("\(name) cannot resize its mask to \(size.0)×\(size.1): \(error)")
            }
        }
        return masks
    }

    /// Min-max normalisation to 8 bits in float32, in rembg's order of operations.
    static func normalised(_ plane: ArraySlice<Float>, sigmoid: Bool) -> [UInt8] {
        let p = sigmoid ? plane.map { 1 / (1 + exp(-$0)) } : Array(plane)
        guard let lo = p.min(), let hi = p.max(), hi > lo, lo.isFinite, hi.isFinite else {
            return [UInt8](repeating: 0, count: p.count)
        }
        let range = hi - lo
        return p.map { v in
            let scaled = (v - lo) / range * 255
            return scaled.isNaN ? 0 : UInt8(min(max(scaled, 0), 255))
        }
    }

    /// `image` as packed RGB: alpha dropped (not composited), like Pillow's `convert("RGB")`.
    static func rgb(_ image: Image) -> Image {
        guard image.format == .rgba8 else { return image.packed() }
        var out = Image(width: image.width, height: image.height, format: .rgb8)
        let stride = image.stride, w = image.width
        image.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<image.height {
                    let row = src.baseAddress! + y * stride, o = dst.baseAddress! + y * w * 3
                    for x in 0..<w {
                        o[x * 3] = row[x * 4]; o[x * 3 + 1] = row[x * 4 + 1]; o[x * 3 + 2] = row[x * 4 + 2]
                    }
                }
            }
        }
        return out
    }
}
