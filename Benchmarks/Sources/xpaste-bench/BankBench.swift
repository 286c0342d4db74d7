import Foundation
import Logging
import XPasteBank
import XPasteImage

/// `xpaste-bench bank [insert|browse|sample|build|all] [--dir PATH] [--instances N] [--cutouts N]`
///
/// - build: only builds (or finds) the big browse bank and prints its path (used by bench-service).
///
/// - insert: instances with ~100 KB cutout PNGs in batches of 64, next to writing the same bytes as
///   files in the same folder (same disk); with and without fsync.
/// - browse: a bank of N (default 1,000,000) metadata-only instances (tiny blobs), built once and
///   kept in the folder; p50/p99 latency of filtered, sorted pages of 100.
/// - sample: 1,000,000 draws per sampling mode from that bank's snapshot.
enum BankBench {
    struct Options {
        var dir = URL(fileURLWithPath: "bench-out/bank")
        var instances = 1_000_000
        var cutouts = 1000
    }

    static let logger: Logger = {
        var l = Logger(label: "xpaste.bench.bank") { StreamLogHandler.standardError(label: $0) }
        l.logLevel = .warning
        return l
    }()

    static func run(_ args: [String]) throws {
        var options = Options()
        var parts: [String] = []
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--dir": options.dir = URL(fileURLWithPath: args[i + 1]); i += 1
            case "--instances": options.instances = Int(args[i + 1])!; i += 1
            case "--cutouts": options.cutouts = Int(args[i + 1])!; i += 1
            default: parts.append(args[i])
            }
            i += 1
        }
        if parts.isEmpty || parts == ["all"] { parts = ["insert", "browse", "sample"] }
        try FileManager.default.createDirectory(at: options.dir, withIntermediateDirectories: true)
        for part in parts {
            switch part {
            case "insert": try insert(options)
            case "browse": try browse(options)
            case "sample": try sample(options)
            // Only builds (or finds) the big metadata bank, for drivers that serve it (bench-service).
            case "build":
                let bank = try bigBank(options)
                print(bank.url.path)
                try bank.close()
            default: throw BankError.invalidArgument("unknown bank bench part \(part)")
            }
        }
    }

    // MARK: Insert

    /// Distinct noise PNGs of about 100 KB (160×160 RGBA stored without compression).
    static func cutoutPNGs(_ count: Int) throws -> [Data] {
        var rng = Xoshiro256StarStar(seed: 100)
        return try (0..<count).map { _ in
            var image = Image(width: 160, height: 160, format: .rgba8)
            image.pixels.withUnsafeMutableBufferPointer { px in
                for k in stride(from: 0, to: px.count, by: 8) {
                    let r = rng.next()
                    for b in 0..<8 { px[k + b] = UInt8(truncatingIfNeeded: r >> (8 * UInt64(b))) }
                }
            }
            return Data(try ImageCodec.encodePNG(image, compressionLevel: 0))
        }
    }

    static func insert(_ options: Options) throws {
        let pngs = try cutoutPNGs(options.cutouts)
        let bytes = pngs.reduce(0) { $0 + $1.count }
        let batch = 64
        for durability in [BankConfiguration.Durability.normal, .full] {
            let name = durability == .normal ? "bank.insert.100KB" : "bank.insert.100KB.fsync"
            let seconds = try BenchClock.medianFresh(repeats: 3) { () throws -> () throws -> Void in
                let url = options.dir.appendingPathComponent("insert.sqlite")
                try removeBank(url)
                let bank = try SQLiteBank(url: url, configuration: BankConfiguration(durability: durability), logger: logger)
                try bank.upsertCategories([BankCategory(id: 1, name: "thing")])
                let source = try bank.addSource(NewSource(kind: .generated, sha256: SHA256Digest(hashing: [1]), width: 512, height: 512)).id
                return {
                    // Hashing is part of the cost: every cutout is hashed on its way in.
                    for start in stride(from: 0, to: pngs.count, by: batch) {
                        let instances = try pngs[start..<min(start + batch, pngs.count)].map {
                            NewInstance(sourceId: source, categoryId: 1, segmenter: "u2net", cutout: try PNGBlob($0), clipScore: 25)
                        }
                        _ = try bank.addInstances(instances)
                    }
                    // Until the bytes are in the bank file itself, not just the write-ahead log.
                    try bank.close()
                }
            }
            report(name, impl: "xpaste", items: pngs.count, seconds: seconds, extra: ["mb_per_s": Double(bytes) / seconds / 1e6])
            let rawName = durability == .normal ? "raw files" : "raw files + fsync"
            let raw = try BenchClock.medianFresh(repeats: 3) { () throws -> () throws -> Void in
                let folder = options.dir.appendingPathComponent("files")
                try? FileManager.default.removeItem(at: folder)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                return {
                    for (k, png) in pngs.enumerated() {
                        let path = folder.appendingPathComponent("\(k).png").path
                        let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
                        precondition(fd >= 0, "cannot create \(path)")
                        let written = png.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
                        precondition(written == png.count)
                        if durability == .full { fsync(fd) }
                        close(fd)
                    }
                }
            }
            report(name, impl: rawName, items: pngs.count, seconds: raw, extra: ["mb_per_s": Double(bytes) / raw / 1e6])
        }
        try removeBank(options.dir.appendingPathComponent("insert.sqlite"))
        try? FileManager.default.removeItem(at: options.dir.appendingPathComponent("files"))
    }

    // MARK: Browse

    static let categoryCount = 1203

    /// The big metadata-only bank, built on first use and kept for later runs.
    static func bigBank(_ options: Options) throws -> SQLiteBank {
        let url = options.dir.appendingPathComponent("browse-\(options.instances).sqlite")
        if FileManager.default.fileExists(atPath: url.path) {
            let bank = try SQLiteBank(url: url, logger: logger)
            if try bank.count(.all) == options.instances { return bank }
            try bank.close()
            try removeBank(url)
        }
        let bank = try SQLiteBank(url: url, logger: logger)
        try bank.upsertCategories(BrowseBankGenerator.categories)
        let sources = try bank.write { writer in try browseSources().map { try writer.addSource($0).id } }
        let start = DispatchTime.now().uptimeNanoseconds
        var generator = BrowseBankGenerator(sources: sources)
        for first in stride(from: 0, to: options.instances, by: BrowseBankGenerator.batch) {
            _ = try bank.addInstances(try generator.batch(first: first, total: options.instances))
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        report("bank.build.metadata", impl: "xpaste", items: options.instances, seconds: seconds, extra: [:])
        return bank
    }

    /// The 10,000 sources the browse bank's instances come from (hash only, three kinds, ten jobs).
    static func browseSources() -> [NewSource] {
        let kinds: [SourceKind] = [.crawled, .generated, .uploaded]
        return (0..<10_000).map { s in
            NewSource(kind: kinds[s % 3], sha256: SHA256Digest(hashing: Array("source \(s)".utf8)), width: 512, height: 512, jobId: "job-\(s % 10)")
        }
    }

    /// A valid 8-bit RGBA PNG header followed by a counter: a distinct, tiny "cutout" for metadata
    /// benchmarks (the bank reads only the header of what it stores).
    static func tinyPNG(_ n: Int) -> Data {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]
        bytes += [0, 0, 0, 64, 0, 0, 0, 48, 8, 6, 0, 0, 0, 0, 0, 0, 0]
        withUnsafeBytes(of: UInt64(n).bigEndian) { bytes += $0 }
        return Data(bytes)
    }

    static func browse(_ options: Options) throws {
        let bank = try bigBank(options)
        defer { try? bank.close() }
        let workload = BrowseWorkload(counts: try bank.categoryCounts())
        let shapes = workload.shapes()
        for shape in shapes {
            // First pages, then pages deep into the result by following cursors.
            var first: [Double] = [], deep: [Double] = []
            for round in 0..<60 {
                var query = shape.query()
                for page in 0..<8 {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    let result = try bank.browse(query)
                    let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
                    if round > 0 { if page == 0 { first.append(ms) } else { deep.append(ms) } }
                    guard let next = result.nextCursor else { break }
                    query.cursor = next
                }
            }
            latency("bank.browse[\(shape.name)] first page", first)
            if !deep.isEmpty { latency("bank.browse[\(shape.name)] later pages", deep) }
        }
        var countTimes: [Double] = [], statsTimes: [Double] = []
        for _ in 0..<20 {
            var t0 = DispatchTime.now().uptimeNanoseconds
            _ = try bank.count(InstanceFilter(categoryIds: [workload.category()], statuses: [.accepted]))
            countTimes.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            t0 = DispatchTime.now().uptimeNanoseconds
            _ = try bank.stats()
            _ = try bank.categoryCounts()
            statsTimes.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        latency("bank.count[category+status]", countTimes)
        latency("bank.stats+categoryCounts", statsTimes)
    }

    // MARK: Sample

    static func sample(_ options: Options) throws {
        let bank = try bigBank(options)
        defer { try? bank.close() }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let sampler = try bank.makeSampler(.classBalanced)
        let snapshot = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        report("bank.sampler.snapshot", impl: "xpaste", items: sampler.instanceCount, seconds: snapshot, extra: [:])
        // The pool sizes, so the Python reference draws from the same pools.
        let sizes = Dictionary(uniqueKeysWithValues: sampler.categoryIds.map { ("\($0)", sampler.poolSize(of: $0)) })
        try JSONEncoder().encode(sizes).write(to: options.dir.appendingPathComponent("pool-sizes.json"))
        let draws = 1_000_000
        for (name, mode) in [("cas_random", SamplingMode.classBalanced), ("proportional", .proportional), ("rare_first", .rareFirst(FrequencyWeights()))] {
            let s = mode == .classBalanced ? sampler : try bank.makeSampler(mode)
            var checksum: Int64 = 0
            let seconds = BenchClock.median(repeats: 5) {
                var rng = Xoshiro256StarStar(seed: 7)
                for _ in 0..<draws { checksum &+= s.draw(using: &rng).instanceId }
            }
            // The checksum goes into the output so the optimiser cannot drop the draws.
            report("bank.sample.\(name)", impl: "xpaste", items: draws, seconds: seconds, extra: ["checksum": Double(checksum % 1_000_003)])
        }
    }

    // MARK: Helpers

    static func removeBank(_ url: URL) throws {
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: url.path + suffix)
        }
    }

    static func report(_ name: String, impl: String, items: Int, seconds: Double, extra: [String: Double]) {
        var fields = [
            "\"bench\": \"\(name)\"", "\"impl\": \"\(impl)\"", "\"items\": \(items)", "\"seconds\": \(seconds)",
            "\"items_per_s\": \(Double(items) / seconds)",
        ]
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) { fields.append("\"\(k)\": \(v)") }
        print("{" + fields.joined(separator: ", ") + "}")
    }

    /// Prints p50/p99 of per-query latencies (queries/s at the median as `items_per_s`).
    static func latency(_ name: String, _ ms: [Double]) {
        let sorted = ms.sorted()
        let p50 = sorted[sorted.count / 2]
        let p99 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)]
        report(name, impl: "xpaste", items: sorted.count, seconds: sorted.reduce(0, +) / 1000, extra: [
            "p50_ms": p50, "p99_ms": p99, "max_ms": sorted.last!,
        ])
    }
}

extension BenchClock {
    /// Median of `repeats` timed runs where each run needs fresh, untimed set-up: `prepare` does the
    /// set-up and returns the work to time.
    static func medianFresh(repeats: Int, _ prepare: () throws -> () throws -> Void) throws -> Double {
        var samples: [Double] = []
        for _ in 0..<repeats {
            let work = try prepare()
            let start = DispatchTime.now().uptimeNanoseconds
            try work()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        samples.sort()
        return samples[samples.count / 2]
    }
}
