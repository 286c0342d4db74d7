import XPasteImage

/// The difference hash (dHash): the image scaled to 9×8 grey, one bit per horizontal neighbour
/// pair (left brighter than right). Near-identical pictures differ in a few bits.
public enum PerceptualHash {
    /// The 64-bit hash of an image.
    public static func dHash(_ image: Image) throws(ImageError) -> UInt64 {
        let small = try image.resized(width: 9, height: 8, filter: .area)
        let ch = small.format.channels
        var hash: UInt64 = 0
        for y in 0..<8 {
            for x in 0..<8 {
                let a = small.pixel(x: x, y: y), b = small.pixel(x: x + 1, y: y)
                let la = 299 * Int(a[0]) + 587 * Int(a[1 % ch]) + 114 * Int(a[2 % ch])
                let lb = 299 * Int(b[0]) + 587 * Int(b[1 % ch]) + 114 * Int(b[2 % ch])
                hash = hash << 1 | (la > lb ? 1 : 0)
            }
        }
        return hash
    }

    /// Bits that differ.
    public static func distance(_ a: UInt64, _ b: UInt64) -> Int { (a ^ b).nonzeroBitCount }
}
