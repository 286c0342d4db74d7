import Foundation
import XPasteImage

/// Small PNGs of cutouts for the bank browser.
public enum ThumbnailMaker {
    /// Longest side of a thumbnail by default.
    public static let defaultMaxSide = 128

    /// The cutout scaled so its longest side is at most `maxSide` (aspect kept, never enlarged),
    /// with Pillow's antialiased bilinear filter on premultiplied alpha so transparent pixels do not
    /// bleed into the edges. A cutout already that small is its own thumbnail (same bytes, so the
    /// bank stores it once).
    public static func thumbnail(of cutout: PNGBlob, maxSide: Int = defaultMaxSide) throws(BankError) -> PNGBlob {
        guard maxSide > 0 else { throw BankError.invalidArgument("thumbnail side \(maxSide) must be positive") }
        let w = cutout.header.width, h = cutout.header.height
        guard max(w, h) > maxSide else { return cutout }
        let scale = Double(maxSide) / Double(max(w, h))
        let tw = max(1, Int((Double(w) * scale).rounded())), th = max(1, Int((Double(h) * scale).rounded()))
        do {
            let image = try ImageCodec.decode(Array(cutout.data))
            let small = try image.resized(width: tw, height: th, filter: .bilinear)
            return try PNGBlob(Data(ImageCodec.encodePNG(small)))
        } catch let error as BankError {
            throw error
        } catch {
            throw BankError.invalidBlob("cannot make a thumbnail: \(error)")
        }
    }
}
