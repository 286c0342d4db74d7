/// A binary mask in COCO run-length encoding, identical to pycocotools' `RLE`.
///
/// Runs are counted in column-major order (down the first column, then the second, …) and
/// alternate background/foreground starting with background, so a mask whose first pixel is
/// foreground starts with a zero count. `RLE(encoding:)` always yields that canonical form (no
/// zero counts except possibly the first), which is what `pycocotools.mask.encode` produces, so two
/// encodings of the same mask compare equal. An RLE built from counts (or a string) keeps the
/// counts it was given; `decode()` and the measurements accept any counts whose sum is the pixel
/// count.
public struct RLE: Sendable, Hashable {
    /// Mask height in pixels (COCO's `size[0]`).
    public let height: Int
    /// Mask width in pixels (COCO's `size[1]`).
    public let width: Int
    /// Alternating background/foreground run lengths in column-major order, background first.
    public let counts: [UInt32]

    /// Wraps existing counts; throws unless they add up to `height × width`, which must fit
    /// COCO's 32-bit counts (`.tooLarge` otherwise).
    public init(height: Int, width: Int, counts: [UInt32]) throws(ImageError) {
        let pixels = try Self.checkedPixelCount(height: height, width: width)
        // Each count is below 2³², so the sum cannot overflow before 2³¹ of them, far beyond memory.
        var total = 0
        for c in counts { total += Int(c) }
        guard total == pixels else {
            throw ImageError.invalidGeometry("RLE counts add up to \(total), but a \(height)×\(width) mask has \(pixels) pixels")
        }
        self.init(unchecked: height, width: width, counts: counts)
    }

    /// `height × width`, after checking that it is non-negative and fits COCO's 32-bit counts:
    /// sizes come from annotation files, and a larger one would overflow or allocate gigabytes.
    static func checkedPixelCount(height: Int, width: Int) throws(ImageError) -> Int {
        guard height >= 0, width >= 0 else {
            throw ImageError.invalidGeometry("RLE size \(height)×\(width) is negative")
        }
        let (n, overflow) = height.multipliedReportingOverflow(by: width)
        guard !overflow, n <= Int(UInt32.max) else {
            throw ImageError.tooLarge("a \(height)×\(width) mask has more pixels than COCO's 32-bit RLE counts hold")
        }
        return n
    }

    /// Internal initialiser for counts the caller has already validated.
    init(unchecked height: Int, width: Int, counts: [UInt32]) {
        self.height = height
        self.width = width
        self.counts = counts
    }

    /// An all-background RLE of the given size.
    public init(emptyHeight height: Int, width: Int) {
        precondition(height >= 0 && width >= 0, "negative RLE size")
        self.init(unchecked: height, width: width, counts: [UInt32(height * width)])
    }

    /// Number of pixels (height × width).
    @inlinable public var pixelCount: Int { height * width }

    /// Number of foreground pixels (pycocotools `area`).
    public var area: Int {
        var a = 0
        var j = 1
        while j < counts.count {
            a += Int(counts[j])
            j += 2
        }
        return a
    }

    /// The foreground's bounding box, computed exactly as pycocotools `toBbox` does; an all-zero box
    /// when there is no foreground.
    public var boundingBox: PixelBox {
        // pycocotools walks the even number of leading counts, taking the first and last pixel of
        // every foreground run; a run that crosses a column boundary covers every row.
        let m = counts.count / 2 * 2
        guard m > 0, height > 0 else { return PixelBox(x: 0, y: 0, width: 0, height: 0) }
        var xs = width, ys = height, xe = 0, ye = 0, xp = 0
        var cc = 0
        for j in 0..<m {
            cc += Int(counts[j])
            let t = cc - (j & 1)
            let y = t % height, x = t / height
            if j & 1 == 0 {
                xp = x
            } else if xp < x {
                ys = 0
                ye = height - 1
            }
            xs = min(xs, x); xe = max(xe, x)
            ys = min(ys, y); ye = max(ye, y)
        }
        return PixelBox(x: xs, y: ys, width: xe - xs + 1, height: ye - ys + 1)
    }

    /// The bounding box as COCO's `[x, y, w, h]`, equal to pycocotools `toBbox`.
    public var cocoBox: [Double] { boundingBox.cocoBox }

    /// Union (or intersection) of same-sized RLEs, like pycocotools `merge`.
    ///
    /// The result is canonical. A single RLE is returned unchanged, as pycocotools does. Throws when
    /// the list is empty or the sizes differ (pycocotools silently returns a 0×0 RLE then).
    public static func merge(_ rles: [RLE], intersect: Bool = false) throws(ImageError) -> RLE {
        guard let first = rles.first else {
            throw ImageError.invalidGeometry("cannot merge an empty list of RLEs")
        }
        for r in rles where r.height != first.height || r.width != first.width {
            throw ImageError.invalidGeometry("cannot merge a \(r.height)×\(r.width) RLE with a \(first.height)×\(first.width) one")
        }
        switch rles.count {
        case 1:
            return first
        case 2:
            return RLE(unchecked: first.height, width: first.width,
                       counts: RLERunSweep.combine(first.counts, rles[1].counts, intersect: intersect))
        default:
            return RLE(unchecked: first.height, width: first.width,
                       counts: RLERunSweep.combine(rles.map(\.counts), pixelCount: first.pixelCount, intersect: intersect))
        }
    }

    /// Intersection over union with `other`, as pycocotools `iou` (not crowd): 0 when the masks do
    /// not overlap, including when both are empty. Throws when the sizes differ.
    public func iou(_ other: RLE) throws(ImageError) -> Double {
        guard height == other.height, width == other.width else {
            throw ImageError.invalidGeometry("IoU of a \(height)×\(width) RLE with a \(other.height)×\(other.width) one")
        }
        let (inter, union) = RLERunSweep.overlap(counts, other.counts)
        return inter == 0 ? 0 : Double(inter) / Double(union)
    }
}

/// Walks two run lists in lockstep; shared by `merge` and `iou`.
enum RLERunSweep {
    /// Canonical counts of `a ∪ b` (or `a ∩ b`).
    static func combine(_ a: [UInt32], _ b: [UInt32], intersect: Bool) -> [UInt32] {
        var out: [UInt32] = [0]
        out.reserveCapacity(a.count + b.count)
        var outValue = false
        sweep(a, b) { length, va, vb in
            let v = intersect ? (va && vb) : (va || vb)
            if v == outValue {
                out[out.count - 1] += length
            } else {
                out.append(length)
                outValue = v
            }
        }
        return out
    }

    /// Canonical counts of the union (or intersection) of many run lists at once: a sweep over
    /// their sorted foreground start/end events, O(T log T) in the total number of runs where
    /// folding pairwise (as pycocotools does) re-walks the growing result once per input.
    static func combine(_ lists: [[UInt32]], pixelCount: Int, intersect: Bool) -> [UInt32] {
        // Event = position << 1 | 1 for a foreground start, | 0 for an end.
        var events: [UInt64] = []
        events.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        for counts in lists {
            var pos: UInt64 = 0
            for (j, c) in counts.enumerated() {
                let end = pos + UInt64(c)
                if j & 1 == 1 && c > 0 {
                    events.append(pos << 1 | 1)
                    events.append(end << 1)
                }
                pos = end
            }
        }
        events.sort()
        let need = intersect ? lists.count : 1
        var coverage = 0
        var value = false
        var out: [UInt32] = []
        var last: UInt64 = 0
        var i = 0
        while i < events.count {
            let pos = events[i] >> 1
            while i < events.count && events[i] >> 1 == pos {
                coverage += events[i] & 1 == 1 ? 1 : -1
                i += 1
            }
            if (coverage >= need) != value {
                out.append(UInt32(pos - last))
                last = pos
                value.toggle()
            }
        }
        // Every run has ended by now; a background tail exists unless the last run reached the end.
        if UInt64(pixelCount) > last || out.isEmpty { out.append(UInt32(UInt64(pixelCount) - last)) }
        return out
    }

    /// Foreground pixels in both, and in either.
    static func overlap(_ a: [UInt32], _ b: [UInt32]) -> (intersection: Int, union: Int) {
        var inter = 0, union = 0
        sweep(a, b) { length, va, vb in
            if va || vb {
                union += Int(length)
                if va && vb { inter += Int(length) }
            }
        }
        return (inter, union)
    }

    /// Calls `segment(length, valueInA, valueInB)` for each maximal stretch where neither list
    /// changes value; zero-length runs are skipped.
    @inline(__always)
    static func sweep(_ a: [UInt32], _ b: [UInt32], _ segment: (UInt32, Bool, Bool) -> Void) {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                var ia = 0, ib = 0
                var ra: UInt32 = 0, rb: UInt32 = 0
                var va = true, vb = true  // flipped to false when the first run is loaded
                while true {
                    while ra == 0 && ia < a.count { ra = a[ia]; ia += 1; va.toggle() }
                    while rb == 0 && ib < b.count { rb = b[ib]; ib += 1; vb.toggle() }
                    let c = min(ra, rb)
                    if c == 0 { return }
                    segment(c, va, vb)
                    ra -= c
                    rb -= c
                }
            }
        }
    }
}
