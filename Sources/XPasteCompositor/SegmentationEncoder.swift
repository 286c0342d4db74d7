import XPasteImage

/// Writes an object's visible mask as COCO segmentation: RLE, or polygon rings that keep holes.
///
/// Occlusion punches holes into objects (a small paste inside a large one), and COCO polygons
/// are a union of rings, so plain outer boundaries would claim the pasted object's pixels for the
/// object under it. Here each component with holes becomes one ring that visits its holes: after
/// the outer boundary, the ring walks to each hole, around it, and back along the same path.
/// pycocotools rasterises a ring by toggling at every edge crossing, so the walk there and back
/// cancels itself and the hole's boundary toggles its inside off — with tolerance 0 the rings
/// rasterise (pycocotools `annToMask`, detectron2, mmdetection) to exactly the visible pixels.
/// Parts of the mask inside a hole are visited by the same ring.
public enum SegmentationEncoder {
    /// Polygon rings for `mask` placed at (`x`, `y`), Douglas–Peucker simplified at `tolerance`.
    public static func polygons(_ mask: BinaryMask, x: Int, y: Int, tolerance: Double) -> [[Double]] {
        var rings = ContourTracer.outerRings(of: mask).map { simplified($0, tolerance: tolerance) }
        let filled = mask.holesFilled()
        if filled != mask {
            // mask = F(mask) ⊕ F(h₁) ⊕ F(h₂) ⊕ …, where F fills holes and hₖ₊₁ = F(hₖ) − hₖ:
            // holes, then the parts of the mask inside holes (islands, and pixels that touch the
            // rest only at a corner), and so on. The outer rings of each level rasterise to F of
            // it, so visiting every level's rings in one ring toggles exactly the right pixels.
            let owners = ConnectedComponents(filled).labels
            var level = difference(filled, mask)
            while true {
                let levelRings = ContourTracer.outerRings(of: level)
                if levelRings.isEmpty { break }
                for ring in levelRings {
                    // A ring starts at the top-left corner of its component's first pixel, which
                    // lies inside exactly one filled component of the mask: its owner.
                    let owner = Int(owners[Int(ring[1]) * mask.width + Int(ring[0])]) - 1
                    guard owner >= 0, owner < rings.count else { continue }
                    let start = (rings[owner][0], rings[owner][1])
                    var visit = simplified(ring, tolerance: tolerance)
                    visit.append(visit[0])
                    visit.append(visit[1])
                    rings[owner].append(start.0)
                    rings[owner].append(start.1)
                    rings[owner].append(contentsOf: visit)
                    rings[owner].append(start.0)
                    rings[owner].append(start.1)
                }
                let levelFilled = level.holesFilled()
                if levelFilled == level { break }
                level = difference(levelFilled, level)
            }
        }
        if x != 0 || y != 0 {
            for r in rings.indices {
                for i in Swift.stride(from: 0, to: rings[r].count, by: 2) {
                    rings[r][i] += Double(x)
                    rings[r][i + 1] += Double(y)
                }
            }
        }
        return rings
    }

    /// Pixels of `a` that are not in `b` (b ⊆ a).
    private static func difference(_ a: BinaryMask, _ b: BinaryMask) -> BinaryMask {
        var out = a
        out.bits.withUnsafeMutableBufferPointer { o in
            b.bits.withUnsafeBufferPointer { bb in
                for i in 0..<bb.count where bb[i] != 0 { o[i] = 0 }
            }
        }
        return out
    }

    /// COCO RLE of `mask` placed at (`x`, `y`) in an `imageWidth × imageHeight` image.
    public static func rle(_ mask: BinaryMask, x: Int, y: Int, imageWidth: Int, imageHeight: Int) -> RLE {
        var full = BinaryMask(width: imageWidth, height: imageHeight)
        mask.bits.withUnsafeBufferPointer { src in
            full.bits.withUnsafeMutableBufferPointer { dst in
                for row in 0..<mask.height where y + row >= 0 && y + row < imageHeight {
                    for col in 0..<mask.width where x + col >= 0 && x + col < imageWidth {
                        dst[(y + row) * imageWidth + x + col] = src[row * mask.width + col]
                    }
                }
            }
        }
        return RLE(encoding: full)
    }

    /// A ring simplified, falling back to the exact ring when simplification would collapse it
    /// (fewer than 3 vertices), as `BinaryMask.cocoPolygons` does.
    private static func simplified(_ ring: [Int32], tolerance: Double) -> [Double] {
        let exact = ring.map(Double.init)
        guard tolerance > 0 else { return exact }
        let kept = PolygonSimplifier.keptIndices(ring: ring, tolerance: tolerance)
        guard kept.count >= 3 else { return exact }
        var out: [Double] = []
        out.reserveCapacity(kept.count * 2)
        for i in kept {
            out.append(exact[2 * i])
            out.append(exact[2 * i + 1])
        }
        return out
    }
}
