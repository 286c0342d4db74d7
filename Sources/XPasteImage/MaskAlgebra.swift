/// Set operations and measures on binary masks.
///
/// Same-size operations throw on a size mismatch; the placed variants (`formUnion(_:atX:y:)`,
/// `subtract(_:atX:y:)`) take a smaller mask at an offset and clip it like `Image.composite`,
/// which is how copy-paste updates the masks of objects a new paste occludes.
enum MaskAlgebra {
    /// Applies `op` byte-wise to two equally long 0/1 buffers.
    @inline(__always)
    static func combine(_ a: [UInt8], _ b: [UInt8], _ op: (UInt8, UInt8) -> UInt8) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: a.count)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    for i in 0..<po.count { po[i] = op(pa[i], pb[i]) }
                }
            }
        }
        return out
    }

    /// Sum of `a[i] op b[i]` over 0/1 bytes (op = AND for intersections, OR for unions; pass the
    /// same buffer twice with OR for a plain count). Sixteen bytes at a time into byte lanes,
    /// flushed before a lane can pass 255.
    @inline(__always)
    static func count(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int, and: Bool) -> Int {
        typealias Lanes = SIMD16<UInt8>
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var total = 0
        var i = 0
        while n - i >= Lanes.scalarCount {
            var acc = Lanes(repeating: 0)
            var blocks = min((n - i) / Lanes.scalarCount, 255)
            while blocks > 0 {
                let x = ra.loadUnaligned(fromByteOffset: i, as: Lanes.self)
                let y = rb.loadUnaligned(fromByteOffset: i, as: Lanes.self)
                acc &+= and ? (x & y) : (x | y)
                i += Lanes.scalarCount
                blocks -= 1
            }
            for lane in 0..<Lanes.scalarCount { total += Int(acc[lane]) }
        }
        while i < n {
            total += Int(and ? (a[i] & b[i]) : (a[i] | b[i]))
            i += 1
        }
        return total
    }

    /// Applies `op` to `mask` where `other` (placed at x, y) overlaps it.
    static func place(
        _ other: BinaryMask, into mask: inout BinaryMask, atX x: Int, y: Int, _ op: (UInt8, UInt8) -> UInt8
    ) {
        guard let region = mask.bounds.intersection(PixelBox(x: x, y: y, width: other.width, height: other.height)) else {
            return
        }
        let width = mask.width, otherWidth = other.width
        other.bits.withUnsafeBufferPointer { src in
            mask.bits.withUnsafeMutableBufferPointer { dst in
                for row in 0..<region.height {
                    let s = src.baseAddress! + (region.y - y + row) * otherWidth + (region.x - x)
                    let d = dst.baseAddress! + (region.y + row) * width + region.x
                    for i in 0..<region.width { d[i] = op(d[i], s[i]) }
                }
            }
        }
    }
}

extension BinaryMask {
    private func checkSameSize(_ other: BinaryMask) throws(ImageError) {
        guard width == other.width, height == other.height else {
            throw ImageError.invalidGeometry("masks differ in size: \(width)×\(height) vs \(other.width)×\(other.height)")
        }
    }

    /// Pixels in either mask.
    ///
    /// - Throws: `ImageError.invalidGeometry` when the sizes differ.
    public func union(_ other: BinaryMask) throws(ImageError) -> BinaryMask {
        try checkSameSize(other)
        var out = self
        out.bits = MaskAlgebra.combine(bits, other.bits) { $0 | $1 }
        return out
    }

    /// Pixels in both masks.
    ///
    /// - Throws: `ImageError.invalidGeometry` when the sizes differ.
    public func intersection(_ other: BinaryMask) throws(ImageError) -> BinaryMask {
        try checkSameSize(other)
        var out = self
        out.bits = MaskAlgebra.combine(bits, other.bits) { $0 & $1 }
        return out
    }

    /// Pixels in this mask and not in `other` (self − other).
    ///
    /// - Throws: `ImageError.invalidGeometry` when the sizes differ.
    public func subtracting(_ other: BinaryMask) throws(ImageError) -> BinaryMask {
        try checkSameSize(other)
        var out = self
        out.bits = MaskAlgebra.combine(bits, other.bits) { $0 & ($1 ^ 1) }
        return out
    }

    /// Foreground and background swapped.
    public func inverted() -> BinaryMask {
        var out = self
        out.bits.withUnsafeMutableBufferPointer { b in
            for i in 0..<b.count { b[i] ^= 1 }
        }
        return out
    }

    /// Adds `other`, placed with its top-left pixel at (x, y) and clipped to this mask.
    public mutating func formUnion(_ other: BinaryMask, atX x: Int, y: Int) {
        MaskAlgebra.place(other, into: &self, atX: x, y: y) { $0 | $1 }
    }

    /// Removes `other`, placed with its top-left pixel at (x, y) and clipped to this mask.
    public mutating func subtract(_ other: BinaryMask, atX x: Int, y: Int) {
        MaskAlgebra.place(other, into: &self, atX: x, y: y) { $0 & ($1 ^ 1) }
    }

    /// Number of foreground pixels.
    public var area: Int {
        bits.withUnsafeBufferPointer { b in
            guard let p = b.baseAddress else { return 0 }
            return MaskAlgebra.count(p, p, b.count, and: false)
        }
    }

    /// The smallest box holding every foreground pixel, or nil for an empty mask.
    public var boundingBox: PixelBox? {
        bits.withUnsafeBufferPointer { b -> PixelBox? in
            var minX = width, maxX = -1, minY = -1, maxY = -1
            for y in 0..<height {
                let row = b.baseAddress! + y * width
                guard let first = (0..<width).first(where: { row[$0] != 0 }) else { continue }
                if minY < 0 { minY = y }
                maxY = y
                minX = min(minX, first)
                // Only the part right of the current maximum can extend the box.
                var x = width - 1
                while x > maxX && row[x] == 0 { x -= 1 }
                maxX = max(maxX, x)
            }
            guard minY >= 0 else { return nil }
            return PixelBox(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
        }
    }

    /// Intersection over union of the two masks' foregrounds; 0 when both are empty (pycocotools'
    /// convention).
    ///
    /// - Throws: `ImageError.invalidGeometry` when the sizes differ.
    public func iou(_ other: BinaryMask) throws(ImageError) -> Double {
        try checkSameSize(other)
        var inter = 0, uni = 0
        bits.withUnsafeBufferPointer { a in
            other.bits.withUnsafeBufferPointer { b in
                guard let pa = a.baseAddress, let pb = b.baseAddress else { return }
                inter = MaskAlgebra.count(pa, pb, a.count, and: true)
                uni = MaskAlgebra.count(pa, pb, a.count, and: false)
            }
        }
        return uni == 0 ? 0 : Double(inter) / Double(uni)
    }
}
