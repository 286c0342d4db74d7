import Foundation
import XPasteLVIS

/// `xpaste-bench lvis OP FILE [OUT]`: throughput and peak memory of the LVIS reader, loader,
/// validator, size-prior statistics and writer on one annotation file. Run one OP per process so
/// the reported peak RSS belongs to that operation alone.
///
/// OP: `read` (stream every element), `load` (whole dataset in memory), `validate`, `stats`,
/// `write OUT` (re-write the loaded dataset through `LVISWriter`), and `write-generated OUT [N]`
/// (N generated images, default 100 000, with 10 annotations each, never held in memory).
enum LVISBench {
    static func run(_ args: [String]) throws {
        guard args.count >= 2 else {
            FileHandle.standardError.write(Data("usage: xpaste-bench lvis read|load|validate|stats|write|write-generated FILE [OUT] [N]\n".utf8))
            exit(2)
        }
        let op = args[0]
        let url = URL(fileURLWithPath: args[1])
        let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        switch op {
        case "read":
            var annotations = 0
            let seconds = try BenchClock.median(warmup: 0, repeats: 3) {
                var counter = Counter()
                try LVISReader(url: url).read(into: &counter)
                annotations = counter.annotations
                precondition(counter.points > 0)
            }
            report("lvis.read", items: annotations, seconds: seconds, bytes: bytes)
        case "load":
            var annotations = 0
            let seconds = try BenchClock.median(warmup: 0, repeats: 3) {
                annotations = try LVISDataset(contentsOf: url).annotations.count
            }
            report("lvis.load", items: annotations, seconds: seconds, bytes: bytes)
        case "validate":
            var annotations = 0
            let seconds = try BenchClock.median(warmup: 0, repeats: 3) {
                let report = try LVISValidator().validate(fileAt: url)
                annotations = report.annotationCount
                precondition(report.isValid, "\(report.violations.prefix(3))")
            }
            report("lvis.validate", items: annotations, seconds: seconds, bytes: bytes)
        case "stats":
            var annotations = 0
            let seconds = try BenchClock.median(warmup: 0, repeats: 3) {
                annotations = try LVISSizePrior.compute(fromFileAt: url).summary.annotationCount
            }
            report("lvis.stats", items: annotations, seconds: seconds, bytes: bytes)
        case "write":
            let out = URL(fileURLWithPath: args.count > 2 ? args[2] : args[1] + ".rewritten.json")
            let dataset = try LVISDataset(contentsOf: url)
            var written: Int64 = 0
            let seconds = try BenchClock.median(warmup: 0, repeats: 3) {
                let writer = try LVISWriter(url: out, info: dataset.info, licenses: dataset.licenses)
                for image in dataset.images { try writer.append(image) }
                for annotation in dataset.annotations { try writer.append(annotation) }
                written = try writer.finish(categories: dataset.categories).byteCount
            }
            report("lvis.write", items: dataset.annotations.count, seconds: seconds, bytes: Int(written))
        case "write-generated":
            // Here FILE is the output and the optional third argument the number of images.
            let out = url
            let images = args.count > 2 ? Int(args[2]) ?? 100_000 : 100_000
            var written: Int64 = 0
            let seconds = try BenchClock.median(warmup: 0, repeats: 1) {
                written = try writeGenerated(to: out, images: images)
            }
            report("lvis.write_generated", items: images * 10, seconds: seconds, bytes: Int(written))
        default:
            FileHandle.standardError.write(Data("unknown lvis bench op \(op)\n".utf8))
            exit(2)
        }
    }

    /// `images` images with 10 annotations each (24-point polygons), generated as they are written.
    private static func writeGenerated(to url: URL, images: Int) throws -> Int64 {
        let categories = (1...1203).map {
            LVISCategory(id: $0, name: "category_\($0)", synset: "c.n.\($0)", synonyms: ["category_\($0)"], definition: "",
                         frequency: .common, imageCount: 0, instanceCount: 0)
        }
        let writer = try LVISWriter(url: url, categories: categories, options: .init(recountCategories: true))
        var rng = SystemRandomNumberGenerator()
        var annotationID = 1
        for imageID in 1...images {
            try writer.append(.lvis(id: imageID, width: 640, height: 480, split: "train2017", file: "\(imageID).jpg"))
            for _ in 0..<10 {
                let cx = Double.random(in: 60...580, using: &rng), cy = Double.random(in: 60...420, using: &rng)
                let r = Double.random(in: 5...50, using: &rng)
                var ring: [Double] = []
                for k in 0..<24 {
                    let t = Double(k) / 24 * 2 * .pi
                    ring.append(((cx + r * cos(t)) * 100).rounded() / 100)
                    ring.append(((cy + r * sin(t)) * 100).rounded() / 100)
                }
                try writer.append(LVISAnnotation(
                    id: annotationID, imageID: imageID, categoryID: Int.random(in: 1...1203, using: &rng),
                    segmentation: .polygons([ring]), area: .pi * r * r,
                    bbox: LVISBox(x: cx - r, y: cy - r, width: 2 * r, height: 2 * r)
                ))
                annotationID += 1
            }
        }
        return try writer.finish().byteCount
    }

    /// Touches every decoded element so none of the work can be skipped.
    private struct Counter: LVISVisitor {
        var annotations = 0
        var points = 0
        var images = 0
        var categories = 0
        mutating func visit(image: LVISImage, index: Int) { images += 1 }
        mutating func visit(category: LVISCategory, index: Int) { categories += 1 }
        mutating func visit(annotation: LVISAnnotation, index: Int) {
            annotations += 1
            if case .polygons(let rings) = annotation.segmentation {
                for ring in rings { points += ring.count / 2 }
            }
        }
    }

    /// The `BenchClock.report` line plus MB/s and the process's peak resident memory.
    private static func report(_ name: String, items: Int, seconds: Double, bytes: Int) {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let peakMB = Double(usage.ru_maxrss) / 1024
        print(#"{"bench": "\#(name)", "impl": "xpaste", "items": \#(items), "seconds": \#(seconds), "items_per_s": \#(Double(items) / seconds), "mb_per_s": \#(Double(bytes) / seconds / 1e6), "bytes": \#(bytes), "peak_rss_mb": \#(peakMB)}"#)
    }
}
