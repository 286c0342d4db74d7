import Foundation
import XPasteImage
import XPasteTestSupport
@testable import XPasteCompositor

/// Cutouts made from the shared photos: the horse silhouette applied to a photo (its soft
/// antialiased edge becomes the alpha), and elliptic soft-alpha crops of photos.
enum RealCutouts {
    static func photo(_ name: String) throws -> Image {
        var image = try ImageCodec.decode(contentsOf: SharedData.image(name).path)
        if image.format == .rgba8 { image = dropAlpha(image) }
        return image
    }

    static func dropAlpha(_ image: Image) -> Image {
        let src = image.packed()
        var out = Image(width: src.width, height: src.height, format: .rgb8)
        for i in 0..<src.pixelCount {
            for k in 0..<3 { out.pixels[i * 3 + k] = src.pixels[i * 4 + k] }
        }
        return out
    }

    /// The horse silhouette (black on white in horse.png) as alpha over `texture`'s pixels,
    /// the texture resized to the silhouette's size.
    static func horse(texture: String) throws -> Image {
        let silhouette = try ImageCodec.decode(contentsOf: SharedData.image("horse.png").path).packed()
        let tex = try photo(texture).resized(width: silhouette.width, height: silhouette.height, filter: .area).packed()
        let w = silhouette.width, h = silhouette.height
        var out = Image(width: w, height: h, format: .rgba8)
        let c = silhouette.format.channels
        for y in 0..<h {
            for x in 0..<w {
                let o = (y * w + x) * 4
                let t = (y * tex.width + x) * 3
                out.pixels[o] = tex.pixels[t]
                out.pixels[o + 1] = tex.pixels[t + 1]
                out.pixels[o + 2] = tex.pixels[t + 2]
                out.pixels[o + 3] = 255 - silhouette.pixels[(y * w + x) * c]
            }
        }
        return out
    }

    /// A `width × height` crop of `name` at (x, y) with an elliptic alpha that is opaque inside
    /// and ramps to 0 over `soft` pixels at the rim.
    static func ellipse(_ name: String, x: Int, y: Int, width: Int, height: Int, soft: Double = 4) throws -> Image {
        let src = try photo(name).packed()
        var out = Image(width: width, height: height, format: .rgba8)
        for yy in 0..<height {
            for xx in 0..<width {
                let dx = (Double(xx) + 0.5 - Double(width) / 2) / (Double(width) / 2)
                let dy = (Double(yy) + 0.5 - Double(height) / 2) / (Double(height) / 2)
                let d = (dx * dx + dy * dy).squareRoot()
                let a = max(0, min(255, (1 - d) * Double(min(width, height)) / 2 / soft * 255))
                let s = ((y + yy) * src.width + x + xx) * 3
                let o = (yy * width + xx) * 4
                out.pixels[o] = src.pixels[s]
                out.pixels[o + 1] = src.pixels[s + 1]
                out.pixels[o + 2] = src.pixels[s + 2]
                out.pixels[o + 3] = UInt8(a.rounded())
            }
        }
        return out
    }
}

/// A cutout source over images held in memory.
struct MemoryCutoutSource: CutoutSource {
    let images: [Int64: Image]
    let categoryOf: [Int64: Int]

    func catalog() throws(CompositorError) -> CutoutCatalog {
        var cats: [Int64: CutoutCategory] = [:], instances: [Int64: [Int64]] = [:]
        for (id, c) in categoryOf {
            cats[Int64(c)] = CutoutCategory(id: Int64(c), name: "category_\(c)", lvisID: c)
            instances[Int64(c), default: []].append(id)
        }
        return CutoutCatalog(categories: cats, instances: instances)
    }

    func cutout(id: Int64) throws(CompositorError) -> Image {
        guard let image = images[id] else { throw .invalidCutout(id: id, "unknown") }
        return image
    }

    func snapshot() throws(CompositorError) -> [String: String] { ["kind": "memory", "instances": String(images.count)] }
}
