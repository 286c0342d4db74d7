import XPasteImage

/// A decoded cutout with successively halved copies, so a paste resizes from the smallest copy
/// that is still at least twice its target size instead of from the full-resolution file.
///
/// Most pastes are far smaller than their cutout (a 600-pixel photo crop pasted at 80 pixels);
/// the resampling filter's cost grows with the source, so starting from a level near the target
/// cuts the dominant cost of a paste several times. Each level is the one before it reduced by
/// pixel-area averaging, so no detail finer than the target is lost beyond what the final
/// (antialiased) resize would average away anyway.
///
/// Levels are made on demand and each is a pure function of the cutout, so which level a paste
/// resizes from depends only on the cutout and the target size — never on whether a cached
/// pyramid already held the level — and output stays identical however the cache behaves.
public struct CutoutPyramid: Sendable {
    /// Levels made so far: level 0 is the cutout as decoded; level k + 1 is level k halved
    /// (rounded up).
    public private(set) var levels: [Image]
    /// No level is made with a side under this.
    public let minimumSide: Int

    /// A pyramid of `cutout` holding only level 0.
    public init(_ cutout: Image, minimumSide: Int = 16) {
        levels = [cutout]
        self.minimumSide = minimumSide
    }

    /// The original cutout.
    public var original: Image { levels[0] }

    /// Bytes of pixels held.
    public var byteCount: Int { levels.reduce(0) { $0 + $1.pixels.count } }

    /// The smallest level with both sides at least twice `width` × `height` (level 0 when none
    /// is), making the levels down to it when they are not there yet.
    public mutating func source(forWidth width: Int, height: Int) throws(ImageError) -> Image {
        var k = 0
        while true {
            if k + 1 == levels.count {
                let last = levels[k]
                let w = (last.width + 1) / 2, h = (last.height + 1) / 2
                guard w >= 2 * width, h >= 2 * height, w >= minimumSide, h >= minimumSide else { return last }
                levels.append(try last.resized(width: w, height: h, filter: .area))
            }
            let next = levels[k + 1]
            guard next.width >= 2 * width, next.height >= 2 * height else { return levels[k] }
            k += 1
        }
    }
}
