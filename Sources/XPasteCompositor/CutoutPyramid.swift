import XPasteImage

/// A decoded cutout with successively halved copies, so a paste resizes from the smallest copy
/// that is still at least twice its target size instead of from the full-resolution file.
///
/// Most pastes are far smaller than their cutout (a 600-pixel photo crop pasted at 80 pixels);
/// the resampling filter's cost grows with the source, so starting from a level near the target
/// cuts the dominant cost of a paste several times. Each level is the one before it reduced by
/// pixel-area averaging, so no detail finer than the target is lost beyond what the final
/// (antialiased) resize would average away anyway.
public struct CutoutPyramid: Sendable {
    /// Level 0 is the cutout as decoded; level k + 1 is level k halved (rounded up).
    public let levels: [Image]

    /// Builds the levels of `cutout`, down to the last one with both sides ≥ `minimumSide`.
    public init(_ cutout: Image, minimumSide: Int = 16) throws(ImageError) {
        var levels = [cutout]
        while let last = levels.last, last.width / 2 >= minimumSide, last.height / 2 >= minimumSide {
            levels.append(try last.resized(width: (last.width + 1) / 2, height: (last.height + 1) / 2, filter: .area))
        }
        self.levels = levels
    }

    /// The original cutout.
    public var original: Image { levels[0] }

    /// Bytes of pixels held.
    public var byteCount: Int { levels.reduce(0) { $0 + $1.pixels.count } }

    /// The smallest level with both sides at least twice `width` × `height` (level 0 when none is).
    public func source(forWidth width: Int, height: Int) -> Image {
        var best = levels[0]
        for level in levels.dropFirst() where level.width >= 2 * width && level.height >= 2 * height {
            best = level
        }
        return best
    }
}
