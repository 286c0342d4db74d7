import Foundation
import XPasteImage

/// `xpaste-bench maskgeom DIR`: COCO RLE, components, contours → polygons and polygon
/// rasterisation on the 1024×1024 masks that `reference/mask_geometry_bench.py write-masks DIR`
/// wrote; the reference timings come from `mask_geometry_bench.py run DIR` on the same files.
/// Also writes DIR/polygons-SET.json (tolerance-1 polygons) for the reference rasteriser bench.
enum MaskGeometryBench {
    static let side = 1024
    /// More repeats than the default: these runs are milliseconds long and the machine is shared.
    static let repeats = 11

    /// Missing or wrong arguments.
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ args: [String]) throws {
        guard let dir = args.first else {
            throw UsageError(description: "usage: xpaste-bench maskgeom DIR (masks written by mask_geometry_bench.py write-masks)")
        }
        for set in ["objects", "noisy"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: dir).appendingPathComponent("\(set).bin"))
            let pixels = side * side
            let masks = try stride(from: 0, to: data.count, by: pixels).map {
                try BinaryMask(width: side, height: side, bits: [UInt8](data[$0..<($0 + pixels)]))
            }
            let n = masks.count
            func report(_ op: String, _ seconds: Double) { BenchClock.report("\(op) \(set) 1024²", items: n, seconds: seconds) }
            var sink = 0

            // Encode includes the compressed string, as pycocotools.encode does.
            report("rle-encode", BenchClock.median(repeats: repeats) { for m in masks { sink &+= RLE(encoding: m).compressedCounts.utf8.count } })
            let strings = masks.map { RLE(encoding: $0).compressedCounts }
            // Decode starts from the string, as pycocotools.decode does, and yields a row-major mask.
            report("rle-decode", try BenchClock.median(repeats: repeats) {
                for s in strings { sink &+= try RLE(height: side, width: side, compressedCounts: s).decode().bits.count }
            })
            report("mask-to-polygons t=0", BenchClock.median(repeats: repeats) { for m in masks { sink &+= m.cocoPolygons(tolerance: 0).count } })
            report("mask-to-polygons t=1", BenchClock.median(repeats: repeats) { for m in masks { sink &+= m.cocoPolygons(tolerance: 1).count } })
            report("components", BenchClock.median(repeats: repeats) { for m in masks { sink &+= m.connectedComponents().components.count } })

            let polygons = masks.map { $0.cocoPolygons(tolerance: 1) }
            report("polygons-to-rle t=1", try BenchClock.median(repeats: repeats) {
                for p in polygons { sink &+= try RLE(polygons: p, height: side, width: side).counts.count }
            })
            let json = try JSONSerialization.data(withJSONObject: polygons)
            try json.write(to: URL(fileURLWithPath: dir).appendingPathComponent("polygons-\(set).json"))
            if sink == 42 { print("") }  // keeps the work observable
        }
    }
}
