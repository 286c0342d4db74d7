import XPasteImage

/// Where an object in a composed image came from.
public enum ObjectOrigin: Sendable, Hashable, Codable {
    /// The background's own annotation at this index of its annotation list.
    case background(index: Int)
    /// The paste at this index of the image's plan.
    case pasted(index: Int)
}

/// One object of a composed image: its visible pixels as a binary mask cropped to `frame`.
///
/// Keeping masks cropped (rather than image-sized, as X-Paste's numpy code does) makes an
/// occlusion update cost the overlap, not the image: the difference between ~20 × 1 MB mask
/// passes per paste and a few kilobytes.
public struct SceneObject: Sendable, Hashable {
    /// Where the object came from.
    public let origin: ObjectOrigin
    /// Output category id.
    public let category: Int
    /// COCO `iscrowd` (background annotations only).
    public let isCrowd: Bool
    /// Image region the mask covers.
    public private(set) var frame: PixelBox
    /// Visible pixels, `frame.width × frame.height`.
    public private(set) var mask: BinaryMask
    /// Number of visible pixels.
    public private(set) var area: Int
    /// The box the occlusion rule compares against: the tight box of the mask after the previous
    /// update (X-Paste's `get_bboxes`: exclusive right and bottom ends).
    public private(set) var ruleBox: PixelBox

    /// Wraps a mask placed at `frame`'s origin, shrinking the frame to the mask's tight box.
    /// Returns nil when the mask is empty.
    public init?(origin: ObjectOrigin, category: Int, isCrowd: Bool = false, mask: BinaryMask, at x: Int, _ y: Int) {
        self.origin = origin
        self.category = category
        self.isCrowd = isCrowd
        self.frame = PixelBox(x: x, y: y, width: mask.width, height: mask.height)
        self.mask = mask
        self.area = 0
        self.ruleBox = PixelBox(x: 0, y: 0, width: 0, height: 0)
        guard let tight = SceneObject.tightBox(of: mask) else { return nil }
        shrink(to: tight.box)
        area = tight.area
        ruleBox = frame
    }

    /// The tight box of `mask` (in its own coordinates) and its pixel count, or nil when empty.
    static func tightBox(of mask: BinaryMask) -> (box: PixelBox, area: Int)? {
        let w = mask.width, h = mask.height
        var x0 = w, y0 = h, x1 = -1, y1 = -1, area = 0
        mask.bits.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            for y in 0..<h {
                let row = base + y * w
                // Bits are 0 or 1, so eight of them summed in one word stay within a byte.
                var count = 0, x = 0
                while x + 8 <= w {
                    let word = row.loadUnaligned(fromByteOffset: x, as: UInt64.self)
                    if word != 0 { count += Int((word &* 0x0101_0101_0101_0101) >> 56) }
                    x += 8
                }
                while x < w {
                    count += Int(row.load(fromByteOffset: x, as: UInt8.self))
                    x += 1
                }
                guard count > 0 else { continue }
                var first = 0
                while row.load(fromByteOffset: first, as: UInt8.self) == 0 { first += 1 }
                var last = w - 1
                while row.load(fromByteOffset: last, as: UInt8.self) == 0 { last -= 1 }
                if y0 == h { y0 = y }
                y1 = y
                x0 = min(x0, first)
                x1 = max(x1, last)
                area += count
            }
        }
        guard area > 0 else { return nil }
        return (PixelBox(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1), area)
    }

    /// Crops the mask to `box` (in mask coordinates) and moves the frame with it.
    private mutating func shrink(to box: PixelBox) {
        if box.x == 0, box.y == 0, box.width == mask.width, box.height == mask.height { return }
        var out = BinaryMask(width: box.width, height: box.height)
        let srcW = mask.width
        mask.bits.withUnsafeBufferPointer { src in
            out.bits.withUnsafeMutableBufferPointer { dst in
                for y in 0..<box.height {
                    let s = (box.y + y) * srcW + box.x
                    let d = y * box.width
                    for x in 0..<box.width { dst[d + x] = src[s + x] }
                }
            }
        }
        frame = PixelBox(x: frame.x + box.x, y: frame.y + box.y, width: box.width, height: box.height)
        mask = out
    }

    /// What an occlusion did to an object.
    public enum OcclusionOutcome: Sendable, Hashable {
        /// No visible pixel was covered.
        case untouched
        /// Pixels were covered; the object survives the rule with its box and area recomputed.
        case updated
        /// Pixels were covered and the rule dropped the object; `remaining` pixels were still visible.
        case dropped(remaining: Int)
    }

    /// Removes the pixels of `cover` (a mask placed at `coverFrame`) and applies the occlusion
    /// rule: the object survives when every side of its tight box moved at most `boxThreshold`
    /// pixels since the last update, or more than `maskThreshold` pixels remain; an object left
    /// with no pixel is always dropped (X-Paste would keep one whose old box was within the
    /// threshold of [0, 0, 0, 0]).
    public mutating func occlude(by cover: BinaryMask, at coverFrame: PixelBox, boxThreshold: Double, maskThreshold: Int)
        -> OcclusionOutcome
    {
        guard let overlap = frame.intersection(coverFrame) else { return .untouched }
        var removed = 0
        let fw = frame.width, cw = cover.width
        mask.bits.withUnsafeMutableBufferPointer { bits in
            cover.bits.withUnsafeBufferPointer { cov in
                for y in overlap.y..<overlap.maxY {
                    let mRow = (y - frame.y) * fw - frame.x
                    let cRow = (y - coverFrame.y) * cw - coverFrame.x
                    for x in overlap.x..<overlap.maxX where cov[cRow + x] != 0 && bits[mRow + x] != 0 {
                        bits[mRow + x] = 0
                        removed += 1
                    }
                }
            }
        }
        guard removed > 0 else { return .untouched }
        area -= removed
        guard let tight = SceneObject.tightBox(of: mask) else { return .dropped(remaining: 0) }
        let nb = PixelBox(x: frame.x + tight.box.x, y: frame.y + tight.box.y, width: tight.box.width, height: tight.box.height)
        let moved = max(abs(nb.x - ruleBox.x), abs(nb.y - ruleBox.y), abs(nb.maxX - ruleBox.maxX), abs(nb.maxY - ruleBox.maxY))
        guard Double(moved) <= boxThreshold || area > maskThreshold else { return .dropped(remaining: area) }
        shrink(to: tight.box)
        ruleBox = nb
        return .updated
    }

    /// The visible mask at full image size (for RLE encoding and tests).
    public func fullMask(width: Int, height: Int) -> BinaryMask {
        var out = BinaryMask(width: width, height: height)
        guard let clip = frame.intersection(PixelBox(x: 0, y: 0, width: width, height: height)) else { return out }
        mask.bits.withUnsafeBufferPointer { src in
            out.bits.withUnsafeMutableBufferPointer { dst in
                for y in clip.y..<clip.maxY {
                    let s = (y - frame.y) * frame.width - frame.x
                    let d = y * width
                    for x in clip.x..<clip.maxX { dst[d + x] = src[s + x] }
                }
            }
        }
        return out
    }
}
