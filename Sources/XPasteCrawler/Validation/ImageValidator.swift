import XPasteImage

/// Checks fetched bytes: the type is sniffed from the bytes (never the header), the image is
/// decoded under the limits, then the minimum side and aspect ratio are checked, the image is
/// optionally scaled down, and its difference hash computed. Pure and synchronous: callers run
/// it off the cooperative pool.
public struct ImageValidator: Sendable {
    /// The options.
    public var options: ValidationOptions

    /// A validator.
    public init(options: ValidationOptions) { self.options = options }

    /// The validated image, or why not.
    public func validate(_ bytes: [UInt8]) throws(CrawlError) -> ValidatedImage {
        guard !bytes.isEmpty else { throw .image(.empty) }
        guard let format = ImageFormat.sniff(bytes) else {
            throw .image(.unsupportedFormat("the bytes start with no image signature we decode"))
        }
        let image: Image
        do { image = try ImageCodec.decode(bytes, limits: options.limits) } catch { throw .image(error) }
        let short = min(image.width, image.height), long = max(image.width, image.height)
        guard short >= options.minSide else { throw .tooSmall("\(image.width)×\(image.height), shorter side under \(options.minSide)") }
        guard Double(long) / Double(max(short, 1)) <= options.maxAspectRatio else {
            throw .aspectRatio("\(image.width)×\(image.height) is beyond \(options.maxAspectRatio):1")
        }
        var out = ValidatedImage(bytes: bytes, format: format, width: image.width, height: image.height, perceptualHash: 0)
        var kept = image
        do {
            if let side = options.resizeShortestSide, short > side {
                kept = try image.resized(shortestSide: side, filter: .area)
                let hasAlpha = kept.format.channels == 4
                out.bytes = hasAlpha ? try ImageCodec.encodePNG(kept) : try ImageCodec.encodeJPEG(kept, quality: 90)
                out.format = hasAlpha ? .png : .jpeg
                out.width = kept.width
                out.height = kept.height
            }
            out.perceptualHash = try PerceptualHash.dHash(kept)
        } catch {
            throw .image(error)
        }
        return out
    }
}
