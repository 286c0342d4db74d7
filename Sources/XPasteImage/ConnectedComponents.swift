/// The 8-connected foreground components of a binary mask.
///
/// Labels run from 1 to `components.count` in raster order of each component's first (top-most,
/// then left-most) pixel, which is also OpenCV's `connectedComponents` order; 0 is background.
public struct ConnectedComponents: Sendable, Hashable {
    /// One component's statistics.
    public struct Component: Sendable, Hashable {
        /// The component's label (1-based).
        public let label: Int
        /// Number of pixels.
        public let area: Int
        /// Tight bounding box.
        public let box: PixelBox
        /// Column of the component's first pixel in raster order (its top-left-most pixel).
        public let firstX: Int
        /// Row of the component's first pixel in raster order.
        public let firstY: Int
    }

    /// Mask width.
    public let width: Int
    /// Mask height.
    public let height: Int
    /// Label per pixel, row-major; 0 is background.
    public let labels: [Int32]
    /// The components, `components[i].label == i + 1`.
    public let components: [Component]

    /// Labels the 8-connected components of `mask`.
    public init(_ mask: BinaryMask) {
        let runs = RowRuns(mask, foreground: true, eightConnected: true)
        var labels = [Int32](repeating: 0, count: mask.width * mask.height)
        labels.withUnsafeMutableBufferPointer { out in
            for y in 0..<mask.height {
                for r in runs.rowStart[y]..<runs.rowStart[y + 1] {
                    let row = y * mask.width
                    for x in Int(runs.start[r])..<Int(runs.end[r]) { out[row + x] = runs.label[r] }
                }
            }
        }
        self.width = mask.width
        self.height = mask.height
        self.labels = labels
        self.components = Self.statistics(of: runs)
    }

    /// Per-component area, box and first pixel, from the labelled runs.
    static func statistics(of runs: RowRuns) -> [Component] {
        let n = runs.componentCount
        var area = [Int](repeating: 0, count: n)
        var x0 = [Int](repeating: Int.max, count: n), y0 = [Int](repeating: Int.max, count: n)
        var x1 = [Int](repeating: Int.min, count: n), y1 = [Int](repeating: Int.min, count: n)
        var first = [Int](repeating: -1, count: n)
        for y in 0..<(runs.rowStart.count - 1) {
            for r in runs.rowStart[y]..<runs.rowStart[y + 1] {
                let c = Int(runs.label[r]) - 1
                let s = Int(runs.start[r]), e = Int(runs.end[r])
                area[c] += e - s
                if first[c] < 0 { first[c] = r }
                x0[c] = min(x0[c], s); x1[c] = max(x1[c], e)
                y0[c] = min(y0[c], y); y1[c] = max(y1[c], y + 1)
            }
        }
        return (0..<n).map { c in
            Component(label: c + 1, area: area[c],
                      box: PixelBox(x: x0[c], y: y0[c], width: x1[c] - x0[c], height: y1[c] - y0[c]),
                      firstX: Int(runs.start[first[c]]), firstY: y0[c])
        }
    }

    /// The pixels of one component as a mask (empty for a label that does not exist).
    public func mask(label: Int) -> BinaryMask {
        var out = BinaryMask(width: width, height: height)
        let l = Int32(truncatingIfNeeded: label)
        guard label >= 1, label <= components.count else { return out }
        labels.withUnsafeBufferPointer { src in
            out.bits.withUnsafeMutableBufferPointer { dst in
                for i in 0..<src.count where src[i] == l { dst[i] = 1 }
            }
        }
        return out
    }

    /// The component with the most pixels (the first in raster order on a tie), or nil when the
    /// mask is empty.
    public var largest: Component? {
        components.max { $0.area < $1.area || ($0.area == $1.area && $0.label > $1.label) }
    }
}

extension BinaryMask {
    /// The 8-connected foreground components.
    public func connectedComponents() -> ConnectedComponents { ConnectedComponents(self) }

    /// Only the largest 8-connected component (the first in raster order on a tie); an empty mask
    /// stays empty.
    public func largestComponent() -> BinaryMask {
        let runs = RowRuns(self, foreground: true, eightConnected: true)
        let components = ConnectedComponents.statistics(of: runs)
        var out = BinaryMask(width: width, height: height)
        guard let best = components.max(by: { $0.area < $1.area || ($0.area == $1.area && $0.label > $1.label) })
        else { return out }
        let keep = Int32(best.label)
        out.paint(runs) { $0 == keep }
        return out
    }

    /// The largest 8-connected component with its holes filled: the usual clean-up of a
    /// segmenter's mask before it becomes a pasted object.
    public func largestComponentWithHolesFilled() -> BinaryMask {
        largestComponent().holesFilled()
    }

    /// The mask with every hole filled. A hole is a background region that is not 4-connected to
    /// the image border: the dual of 8-connected foreground, so a diagonal gap in an 8-connected
    /// outline does not let the outside leak in.
    public func holesFilled() -> BinaryMask {
        let background = RowRuns(self, foreground: false, eightConnected: false)
        let touchesBorder = background.borderTouchingLabels(width: width)
        var out = self
        out.paint(background) { !touchesBorder[Int($0)] }
        return out
    }

    /// Sets to foreground every run whose label passes `include`.
    mutating func paint(_ runs: RowRuns, include: (Int32) -> Bool) {
        let w = width
        bits.withUnsafeMutableBufferPointer { dst in
            for y in 0..<(runs.rowStart.count - 1) {
                for r in runs.rowStart[y]..<runs.rowStart[y + 1] where include(runs.label[r]) {
                    let s = y * w + Int(runs.start[r]), e = y * w + Int(runs.end[r])
                    (dst.baseAddress! + s).update(repeating: 1, count: e - s)
                }
            }
        }
    }
}

extension RowRuns {
    /// Per label (index = label, entry 0 unused), whether the component touches the mask border.
    func borderTouchingLabels(width: Int) -> [Bool] {
        var touches = [Bool](repeating: false, count: componentCount + 1)
        let lastRow = rowStart.count - 2
        guard lastRow >= 0 else { return touches }
        for y in 0...lastRow {
            for r in rowStart[y]..<rowStart[y + 1]
            where y == 0 || y == lastRow || start[r] == 0 || Int(end[r]) == width {
                touches[Int(label[r])] = true
            }
        }
        return touches
    }
}
