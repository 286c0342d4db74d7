import XPasteImage

extension CLIPPreprocessor {
    /// X-Paste's CLIP input for an image and its object mask (`CLIPScoring.xpaste`), as
    /// `3 × size × size` floats, channel-major.
    ///
    /// Exactly `segment_methods/reseg.py`: the image as float (`uint8 / 255`), object pixels kept and
    /// the rest set to 1 (`img·m + 1·(1 − m)`; `background` / 255, white by default), then torchvision's `Resize(size, BICUBIC)` on the
    /// tensor (PyTorch bicubic, no antialiasing; see `TorchBicubicResampler`), `CenterCrop(size)` and
    /// `Normalize(mean, std)`. X-Paste's images are square; a non-square image is first padded to a
    /// square with the background colour, centred, the odd pixel at the bottom or right, so the resize gives
    /// `size × size` and the centre crop removes nothing.
    ///
    /// - Throws: `.invalidInput` when the mask's size is not the image's or the parameters are
    ///   unusable.
    public func xpastePixelValues(_ image: Image, mask: BinaryMask) throws(InferenceError) -> [Float] {
        guard size > 0, mean.count == 3, std.count == 3, background.count == 3 else {
            throw .invalidInput("preprocessing needs a positive size and three means, stds and background values")
        }
        guard mask.width == image.width, mask.height == image.height, image.width > 0, image.height > 0 else {
            throw .invalidInput("mask \(mask.width)×\(mask.height) does not match image \(image.width)×\(image.height)")
        }
        let w = image.width, h = image.height, side = max(w, h)
        let left = (side - w) / 2, top = (side - h) / 2
        let packed = image.packed()
        let channels = packed.format.channels
        let plane = size * size
        var out = [Float](repeating: 0, count: 3 * plane)
        for c in 0..<3 {
            var square = [Double](repeating: Double(Float(background[c]) / 255), count: side * side)
            packed.pixels.withUnsafeBufferPointer { px in
                mask.bits.withUnsafeBufferPointer { bits in
                    for y in 0..<h {
                        for x in 0..<w where bits[y * w + x] != 0 {
                            // ToTensor divides in float32; keep that rounding.
                            square[(top + y) * side + left + x] = Double(Float(px[(y * w + x) * channels + c]) / 255)
                        }
                    }
                }
            }
            let resized = side == size ? square : TorchBicubicResampler.resize(square, width: side, height: side, outWidth: size, outHeight: size)
            let m = Double(mean[c]), s = Double(std[c])
            for i in 0..<plane { out[c * plane + i] = Float((resized[i] - m) / s) }
        }
        return out
    }

    /// A batch `[images.count, 3, size, size]` of X-Paste inputs, one mask per image.
    public func xpasteBatch(_ images: [Image], masks: [BinaryMask]) throws(InferenceError) -> Tensor {
        guard images.count == masks.count else { throw .invalidInput("\(images.count) images but \(masks.count) masks") }
        var values: [Float] = []
        values.reserveCapacity(images.count * 3 * size * size)
        for (image, mask) in zip(images, masks) { values += try xpastePixelValues(image, mask: mask) }
        return try Tensor(floats: values, shape: [images.count, 3, size, size])
    }
}
