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
///
/// A pyramid can be trimmed to the levels a paste needs (`trim(forWidth:height:)`): the levels
/// above the one that paste resizes from are dropped, so a 7000×7000 cutout pasted at 300 pixels
/// is held as a 1750×1750 working copy, not 196 MB. Every smaller paste resizes from the same
/// level it would have used untrimmed; a larger one is not `covered` and needs the cutout again.
public struct CutoutPyramid: Sendable {
    /// Levels held: `levels[0]` is level `firstLevel` of the full pyramid, where level 0 is the
    /// cutout as decoded and level k + 1 is level k halved (rounded up).
    public private(set) var levels: [Image]
    /// The index in the full pyramid of `levels[0]` (0 unless trimmed).
    public private(set) var firstLevel = 0
    /// The decoded cutout's width, which the paste size is computed from, trimmed or not.
    public let originalWidth: Int
    /// The decoded cutout's height.
    public let originalHeight: Int
    /// No level is made with a side under this.
    public let minimumSide: Int

    /// A pyramid of `cutout` holding only level 0.
    public init(_ cutout: Image, minimumSide: Int = 16) {
        levels = [cutout]
        originalWidth = cutout.width
        originalHeight = cutout.height
        self.minimumSide = minimumSide
    }

    /// The largest level held: the cutout as decoded unless the pyramid was trimmed.
    public var largest: Image { levels[0] }

    /// Bytes of pixels held.
    public var byteCount: Int { levels.reduce(0) { $0 + $1.pixels.count } }

    /// True when a paste of `width` × `height` resizes from a level this pyramid holds (or can
    /// make): always untrimmed, else when the largest level held is still at least twice the size.
    public func covers(width: Int, height: Int) -> Bool {
        firstLevel == 0 || (levels[0].width >= 2 * width && levels[0].height >= 2 * height)
    }

    /// The smallest level with both sides at least twice `width` × `height` (the largest level
    /// held when none is), making the levels down to it when they are not there yet.
    public mutating func source(forWidth width: Int, height: Int) throws(ImageError) -> Image {
        levels[try index(forWidth: width, height: height)]
    }

    /// Drops every level above the one a paste of `width` × `height` resizes from.
    public mutating func trim(forWidth width: Int, height: Int) throws(ImageError) {
        let k = try index(forWidth: width, height: height)
        guard k > 0 else { return }
        levels.removeFirst(k)
        firstLevel += k
    }

    private mutating func index(forWidth width: Int, height: Int) throws(ImageError) -> Int {
        var k = 0
        while true {
            if k + 1 == levels.count {
                let last = levels[k]
                let w = (last.width + 1) / 2, h = (last.height + 1) / 2
                guard w >= 2 * width, h >= 2 * height, w >= minimumSide, h >= minimumSide else { return k }
                levels.append(try last.resized(width: w, height: h, filter: .area))
            }
            let next = levels[k + 1]
            guard next.width >= 2 * width, next.height >= 2 * height else { return k }
            k += 1
        }
    }
}
