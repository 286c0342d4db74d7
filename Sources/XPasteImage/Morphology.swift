/// Binary erosion and dilation.
///
/// Borders follow OpenCV's defaults for `cv2.erode` / `cv2.dilate` / `cv2.morphologyEx`: pixels
/// outside the mask never change the result — they count as background for dilation and as
/// foreground for erosion — so an object touching the frame is not eaten away from the frame side.
///
/// Squares are separable (a row pass then a column pass, sliding-window counts: cost independent
/// of the radius). Disks use each row's distance to the nearest foreground pixel in that row, so a
/// pixel is covered when some row at offset dy has foreground within that row's half-width of the
/// element: cost 2r+1 vectorisable compares per pixel.
enum Morphology {
    /// Largest accepted radius.
    static let maximumRadius = 4096

    /// Dilation with outside = background; `bits` holds 0/1.
    static func dilate(_ bits: [UInt8], width: Int, height: Int, element: StructuringElement) -> [UInt8] {
        if element.radius == 0 || width == 0 || height == 0 { return bits }
        switch element {
        case .square(let r): return dilateSquare(bits, width: width, height: height, radius: r)
        case .disk: return dilateRows(bits, width: width, height: height, halfWidths: element.rowHalfWidths)
        }
    }

    /// Erosion with outside = foreground, as the complement of dilating the complement.
    static func erode(_ bits: [UInt8], width: Int, height: Int, element: StructuringElement) -> [UInt8] {
        if element.radius == 0 || width == 0 || height == 0 { return bits }
        var out = dilate(bits.map { $0 ^ 1 }, width: width, height: height, element: element)
        out.withUnsafeMutableBufferPointer { b in
            for i in 0..<b.count { b[i] ^= 1 }
        }
        return out
    }

    private static func dilateSquare(_ bits: [UInt8], width: Int, height: Int, radius r: Int) -> [UInt8] {
        var rows = [UInt8](repeating: 0, count: width * height)
        bits.withUnsafeBufferPointer { src in
            rows.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    let row = src.baseAddress! + y * width, out = dst.baseAddress! + y * width
                    // count = foreground pixels in [x − r, x + r] ∩ row.
                    var count = 0
                    for i in 0..<min(r, width) { count += Int(row[i]) }
                    for x in 0..<width {
                        if x + r < width { count += Int(row[x + r]) }
                        if x - r - 1 >= 0 { count -= Int(row[x - r - 1]) }
                        out[x] = count > 0 ? 1 : 0
                    }
                }
            }
        }
        var out = [UInt8](repeating: 0, count: width * height)
        var counts = [Int32](repeating: 0, count: width)
        rows.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                counts.withUnsafeMutableBufferPointer { c in
                    let base = src.baseAddress!
                    for y in 0..<min(r, height) {
                        let row = base + y * width
                        for x in 0..<width { c[x] &+= Int32(row[x]) }
                    }
                    for y in 0..<height {
                        if y + r < height {
                            let row = base + (y + r) * width
                            for x in 0..<width { c[x] &+= Int32(row[x]) }
                        }
                        if y - r - 1 >= 0 {
                            let row = base + (y - r - 1) * width
                            for x in 0..<width { c[x] &-= Int32(row[x]) }
                        }
                        let o = dst.baseAddress! + y * width
                        for x in 0..<width { o[x] = c[x] > 0 ? 1 : 0 }
                    }
                }
            }
        }
        return out
    }

    /// Dilation by an element given as half-widths per |dy| (any symmetric convex-row shape).
    private static func dilateRows(_ bits: [UInt8], width: Int, height: Int, halfWidths: [Int]) -> [UInt8] {
        let r = halfWidths.count - 1
        let cap = UInt16(min(r + 1, Int(UInt16.max)))
        // distance[y][x] = min(|x − x'| over foreground x' in row y, r + 1).
        var distance = [UInt16](repeating: cap, count: width * height)
        bits.withUnsafeBufferPointer { src in
            distance.withUnsafeMutableBufferPointer { dist in
                for y in 0..<height {
                    let row = src.baseAddress! + y * width, d = dist.baseAddress! + y * width
                    var last = -Int(cap)
                    for x in 0..<width {
                        if row[x] != 0 { last = x }
                        d[x] = UInt16(min(x - last, Int(cap)))
                    }
                    var next = width + Int(cap)
                    for x in stride(from: width - 1, through: 0, by: -1) {
                        if row[x] != 0 { next = x }
                        d[x] = min(d[x], UInt16(min(next - x, Int(cap))))
                    }
                }
            }
        }
        var out = [UInt8](repeating: 0, count: width * height)
        distance.withUnsafeBufferPointer { dist in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    let o = dst.baseAddress! + y * width
                    for dy in max(-r, -y)...min(r, height - 1 - y) {
                        let reach = UInt16(halfWidths[abs(dy)])
                        let d = dist.baseAddress! + (y + dy) * width
                        for x in 0..<width { o[x] |= d[x] <= reach ? 1 : 0 }
                    }
                }
            }
        }
        return out
    }
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
        out.bits = Morphology.dilate(bits, width: width, height: height, element: element)
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
        out.bits = Morphology.erode(bits, width: width, height: height, element: element)
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
