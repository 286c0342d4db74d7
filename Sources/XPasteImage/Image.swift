/// An 8-bit interleaved image, row-major with an explicit row stride in bytes.
///
/// Storage is a Swift array so images are value types that copy on write and cross concurrency
/// domains freely; kernels work on `withUnsafeBytes` views for speed.
public struct Image: Sendable, Hashable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Pixel layout.
    public let format: PixelFormat
    /// Bytes from the start of one row to the start of the next (≥ width × channels).
    public let stride: Int
    /// Pixel bytes, `stride × height` of them.
    public var pixels: [UInt8]

    /// Creates an image filled with zeros (black, and transparent when RGBA).
    public init(width: Int, height: Int, format: PixelFormat) {
        precondition(width >= 0 && height >= 0, "negative image size")
        self.width = width
        self.height = height
        self.format = format
        self.stride = width * format.channels
        self.pixels = [UInt8](repeating: 0, count: width * height * format.channels)
    }

    /// Wraps existing pixel bytes; throws when the buffer is too small for the geometry.
    public init(width: Int, height: Int, format: PixelFormat, stride: Int? = nil, pixels: [UInt8]) throws(ImageError) {
        guard width >= 0, height >= 0 else {
            throw ImageError.invalidGeometry("image size \(width)×\(height) is negative")
        }
        let rowBytes = try PlaneSize.product(width, format.channels, what: "a row of \(width) \(format) pixels")
        let stride = stride ?? rowBytes
        guard stride >= rowBytes else {
            throw ImageError.invalidGeometry("width \(width), height \(height), stride \(stride)")
        }
        guard pixels.count >= (try PlaneSize.product(stride, height, what: "stride \(stride) × height \(height)")) else {
            throw ImageError.invalidGeometry("buffer of \(pixels.count) bytes is smaller than stride \(stride) × height \(height)")
        }
        self.width = width
        self.height = height
        self.format = format
        self.stride = stride
        self.pixels = pixels
    }

    /// Creates an image whose every pixel is `color` (3 or 4 components to match `format`).
    public init(width: Int, height: Int, format: PixelFormat, filledWith color: [UInt8]) {
        precondition(color.count == format.channels, "colour has \(color.count) components for \(format)")
        self.init(width: width, height: height, format: format)
        let c = format.channels
        pixels.withUnsafeMutableBufferPointer { buf in
            for i in Swift.stride(from: 0, to: buf.count, by: c) {
                for k in 0..<c { buf[i + k] = color[k] }
            }
        }
    }

    /// Number of pixels (width × height).
    @inlinable public var pixelCount: Int { width * height }

    /// True when the rows are packed with no padding.
    @inlinable public var isContiguous: Bool { stride == width * format.channels }

    /// Reads one pixel's components.
    public func pixel(x: Int, y: Int) -> [UInt8] {
        let o = y * stride + x * format.channels
        return Array(pixels[o..<(o + format.channels)])
    }

    /// Writes one pixel's components.
    public mutating func setPixel(x: Int, y: Int, _ value: [UInt8]) {
        precondition(value.count == format.channels)
        let o = y * stride + x * format.channels
        for k in 0..<format.channels { pixels[o + k] = value[k] }
    }

    /// A copy with packed rows (stride == width × channels).
    public func packed() -> Image {
        if isContiguous && pixels.count == stride * height { return self }
        var out = Image(width: width, height: height, format: format)
        let rowBytes = width * format.channels
        pixels.withUnsafeBytes { src in
            out.pixels.withUnsafeMutableBytes { dst in
                for y in 0..<height {
                    dst.baseAddress!.advanced(by: y * rowBytes)
                        .copyMemory(from: src.baseAddress!.advanced(by: y * stride), byteCount: rowBytes)
                }
            }
        }
        return out
    }
}
