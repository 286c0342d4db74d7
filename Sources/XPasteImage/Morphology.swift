/// Binary erosion and dilation.
///
/// Borders follow OpenCV's defaults for `cv2.erode` / `cv2.dilate` / `cv2.morphologyEx`: pixels
/// outside the mask never change the result — they count as background for dilation and as
/// foreground for erosion — so an object touching the frame is not eaten away from the frame side.
///
/// Dilation is a sliding OR, erosion a sliding AND. Squares are separable: along rows each window
/// of L = 2r+1 bytes is reduced with ⌊log₂ L⌋ doubling passes (after the pass with span s every
/// byte holds the reduction of the s bytes starting at it; two overlapping spans then cover the
/// window); along columns a per-column count of hits in the window is updated as it slides, so
/// the cost does not grow with r. Disks use, per row, each pixel's distance to the nearest hit in
/// that row: a pixel is covered when some row at offset dy has a hit within the element's
/// half-width for that dy (2r + 1 vectorised compares per pixel). Row results are kept in small
/// rings of rows so the working set stays in cache; all inner loops vectorise.
enum Morphology {
    /// Largest accepted radius.
    static let maximumRadius = 4096

    /// Dilation (erode = false: OR, outside = 0) or erosion (erode = true: AND, outside = 1).
    static func apply(_ bits: [UInt8], width: Int, height: Int, element: StructuringElement, erode: Bool) -> [UInt8] {
        if element.radius == 0 || width == 0 || height == 0 { return bits }
        switch element {
        case .square(let r):
            return erode ? square(bits, width: width, height: height, radius: r, AndBytes.self)
                         : square(bits, width: width, height: height, radius: r, OrBytes.self)
        case .disk(let r):
            let halfWidths = element.rowHalfWidths
            return r < 255
                ? diskRows(bits, width: width, height: height, halfWidths: halfWidths, flip: erode ? 1 : 0, distance: UInt8.self)
                : diskRows(bits, width: width, height: height, halfWidths: halfWidths, flip: erode ? 1 : 0, distance: UInt16.self)
        }
    }


    /// Doubling passes over `total` bytes: after the pass with span s, byte i holds the reduction
    /// of bytes i, i + unit, …, i + (s − 1)·unit (unit 1 along a row, the row length along a column).
    /// Passes ping-pong between `a` and `b` (both clobbered) so no loop reads what it writes.
    /// Returns the buffer holding the largest span ≤ length and the offset of the second span that
    /// completes a window of `length`.
    @inline(__always)
    private static func doublingPasses<Op: ByteReduction>(
        _ a: UnsafeMutablePointer<UInt8>, _ b: UnsafeMutablePointer<UInt8>, total: Int, unit: Int, length: Int, _: Op.Type
    ) -> (reduced: UnsafeMutablePointer<UInt8>, tail: Int) {
        var src = a, dst = b
        var span = 1
        while span * 2 <= length {
            let shift = span &* unit
            let ahead = UnsafePointer(src + shift)
            let from = UnsafePointer(src)
            for i in 0..<(total - shift) { dst[i] = Op.combine(from[i], ahead[i]) }
            swap(&src, &dst)
            span *= 2
        }
        return (src, (length - span) * unit)
    }

    private static func square<Op: ByteReduction>(
        _ bits: [UInt8], width: Int, height: Int, radius r: Int, _ op: Op.Type
    ) -> [UInt8] {
        let length = 2 * r + 1
        let rowLength = width + 2 * r
        // Row pass results live in a ring of 2r + 2 rows, computed just before the column pass
        // needs them, so the working set stays in cache.
        let ringRows = 2 * r + 2
        let rowA = UnsafeMutablePointer<UInt8>.allocate(capacity: rowLength)
        let rowB = UnsafeMutablePointer<UInt8>.allocate(capacity: rowLength)
        let ring = UnsafeMutablePointer<UInt8>.allocate(capacity: ringRows * width)
        // Column pass: per column, how many rows in the window hit (a hit is a byte that is not
        // the identity of the reduction: 1 for OR, 0 for AND; outside rows never hit).
        let counts = UnsafeMutablePointer<UInt16>.allocate(capacity: width)
        defer { rowA.deallocate(); rowB.deallocate(); ring.deallocate(); counts.deallocate() }
        rowA.initialize(repeating: 0, count: rowLength)
        rowB.initialize(repeating: 0, count: rowLength)
        counts.initialize(repeating: 0, count: width)
        let flip: UInt8 = Op.outside  // 0 for dilation, 1 for erosion: hit = byte ^ flip

        var out = [UInt8](repeating: 0, count: width * height)
        bits.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { o in
                func rowPass(_ y: Int) {
                    rowA.update(repeating: Op.outside, count: r)
                    (rowA + r + width).update(repeating: Op.outside, count: r)
                    (rowA + r).update(from: src.baseAddress! + y * width, count: width)
                    let (reduced, tail) = doublingPasses(rowA, rowB, total: rowLength, unit: 1, length: length, op)
                    let d = ring + (y % ringRows) * width
                    let late = UnsafePointer(reduced + tail), early = UnsafePointer(reduced)
                    for x in 0..<width { d[x] = Op.combine(early[x], late[x]) }
                }
                func add(_ y: Int) {
                    let row = UnsafePointer(ring + (y % ringRows) * width)
                    for x in 0..<width { counts[x] &+= UInt16(row[x] ^ flip) }
                }
                func remove(_ y: Int) {
                    let row = UnsafePointer(ring + (y % ringRows) * width)
                    for x in 0..<width { counts[x] &-= UInt16(row[x] ^ flip) }
                }
                for y in 0..<min(r, height) {
                    rowPass(y)
                    add(y)
                }
                for y in 0..<height {
                    if y + r < height {
                        rowPass(y + r)
                        add(y + r)
                    }
                    if y - r - 1 >= 0 { remove(y - r - 1) }
                    let d = o.baseAddress! + y * width
                    for x in 0..<width { d[x] = (counts[x] != 0 ? 1 : 0) ^ flip }
                }
            }
        }
        return out
    }

    /// Disk dilation of the plane XOR `flip` (so erosion is the complement of dilating the
    /// complement). For each source row, the distance from every pixel to the nearest hit in that
    /// row, capped at r + 1, comes from ⌊log₂ r⌋ + 1 min-plus passes with shifts 1, 2, 4, … (any
    /// distance ≤ r is a sum of distinct shifts, and every candidate is a real path, so the result
    /// is exact). Output row y is then the OR over dy of "distance in row y + dy ≤ half-width(dy)".
    /// Distance rows live in a ring of 2r + 1 rows; `D` is UInt8 while r < 255 (16 compare lanes).
    private static func diskRows<D: FixedWidthInteger & UnsignedInteger>(
        _ bits: [UInt8], width: Int, height: Int, halfWidths: [Int], flip: UInt8, distance: D.Type
    ) -> [UInt8] {
        let r = halfWidths.count - 1
        let cap = D(r + 1)
        let ringRows = 2 * r + 1
        let pad = r  // shifts never exceed r, so r cap-valued pixels on each side cover every read
        let rowLength = width + 2 * pad
        let rowA = UnsafeMutablePointer<D>.allocate(capacity: rowLength)
        let rowB = UnsafeMutablePointer<D>.allocate(capacity: rowLength)
        let ring = UnsafeMutablePointer<D>.allocate(capacity: ringRows * width)
        defer { rowA.deallocate(); rowB.deallocate(); ring.deallocate() }
        rowA.initialize(repeating: cap, count: rowLength)
        rowB.initialize(repeating: cap, count: rowLength)

        var out = [UInt8](repeating: 0, count: width * height)
        bits.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { o in
                func distances(_ y: Int) {
                    let row = src.baseAddress! + y * width
                    let a = rowA + pad
                    for x in 0..<width { a[x] = row[x] != flip ? 0 : cap }
                    var from = rowA, to = rowB
                    var shift = 1
                    while shift <= r {
                        let step = D(shift), limit = cap &- step
                        let f = UnsafePointer(from + pad), left = UnsafePointer(from + pad - shift)
                        let right = UnsafePointer(from + pad + shift), t = to + pad
                        for x in 0..<width {
                            t[x] = Swift.min(f[x], Swift.min(Swift.min(left[x], right[x]), limit) &+ step)
                        }
                        swap(&from, &to)
                        shift *= 2
                    }
                    (ring + (y % ringRows) * width).update(from: from + pad, count: width)
                }
                for y in 0..<min(r, height) { distances(y) }
                for y in 0..<height {
                    if y + r < height { distances(y + r) }
                    let d = o.baseAddress! + y * width
                    for dy in max(-r, -y)...min(r, height - 1 - y) {
                        let reach = D(halfWidths[abs(dy)])
                        let dist = UnsafePointer(ring + ((y + dy) % ringRows) * width)
                        for x in 0..<width { d[x] |= dist[x] <= reach ? 1 : 0 }
                    }
                    if flip != 0 {
                        for x in 0..<width { d[x] ^= 1 }
                    }
                }
            }
        }
        return out
    }
}

/// A byte-wise associative, idempotent reduction with the value that stands for "outside".
protocol ByteReduction {
    static var outside: UInt8 { get }
    static func combine(_ a: UInt8, _ b: UInt8) -> UInt8
}

/// Dilation: any foreground in the window; outside is background.
enum OrBytes: ByteReduction {
    static var outside: UInt8 { 0 }
    @inline(__always) static func combine(_ a: UInt8, _ b: UInt8) -> UInt8 { a | b }
}

/// Erosion: all foreground in the window; outside is foreground.
enum AndBytes: ByteReduction {
    static var outside: UInt8 { 1 }
    @inline(__always) static func combine(_ a: UInt8, _ b: UInt8) -> UInt8 { a & b }
}

extension BinaryMask {
    /// The mask grown by `element`: a pixel is foreground when the element centred on it touches
    /// foreground. Equals `cv2.dilate` with the matching structuring element (outside the mask
    /// counts as background).
    ///
    /// - Throws: `ImageError.invalidArgument` unless 0 ≤ radius ≤ 4096.
    public func dilated(by element: StructuringElement) throws(ImageError) -> BinaryMask {
        try Self.check(element)
        var out = self
        out.bits = Morphology.apply(bits, width: width, height: height, element: element, erode: false)
        return out
    }

    /// The mask shrunk by `element`: a pixel stays foreground when the element centred on it lies
    /// in foreground. Equals `cv2.erode` with the matching structuring element (outside the mask
    /// counts as foreground, OpenCV's default, so the frame does not erode objects).
    ///
    /// - Throws: `ImageError.invalidArgument` unless 0 ≤ radius ≤ 4096.
    public func eroded(by element: StructuringElement) throws(ImageError) -> BinaryMask {
        try Self.check(element)
        var out = self
        out.bits = Morphology.apply(bits, width: width, height: height, element: element, erode: true)
        return out
    }

    /// Erosion then dilation: removes specks and thin bridges smaller than the element
    /// (`cv2.morphologyEx(MORPH_OPEN)`).
    ///
    /// - Throws: `ImageError.invalidArgument` unless 0 ≤ radius ≤ 4096.
    public func opened(by element: StructuringElement) throws(ImageError) -> BinaryMask {
        try eroded(by: element).dilated(by: element)
    }

    /// Dilation then erosion: fills holes and gaps smaller than the element
    /// (`cv2.morphologyEx(MORPH_CLOSE)`).
    ///
    /// - Throws: `ImageError.invalidArgument` unless 0 ≤ radius ≤ 4096.
    public func closed(by element: StructuringElement) throws(ImageError) -> BinaryMask {
        try dilated(by: element).eroded(by: element)
    }

    private static func check(_ element: StructuringElement) throws(ImageError) {
        guard element.radius >= 0, element.radius <= Morphology.maximumRadius else {
            throw ImageError.invalidArgument("structuring element radius must be in 0…\(Morphology.maximumRadius), got \(element.radius)")
        }
    }
}
