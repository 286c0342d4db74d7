import Foundation
import Logging
import PostgresNIO
import XPasteBank
import XPastePostgres

/// `xpaste-bench bank-postgres --database URL [--insert-database URL] [insert|browse|build|all] [--dir PATH] [--instances N] [--cutouts N]`
///
/// The bank on PostgreSQL against the bank on SQLite, side by side in one run, both through the
/// async `InstanceBank` API the service uses:
/// - insert: the `bank insert` workload (~100 KB cutouts in transactions of 64), on a fresh bank
///   per run (the database's tables are dropped first), median of 3.
/// - browse: the `bank browse` shapes and parameters on the same 1,000,000 metadata instances,
///   generated identically into each (the SQLite one is `bank`'s, reused when present).
///
/// `--database` holds the browse bank (kept between runs); `--insert-database` (default: the same)
/// is emptied before every insert run, so give it a database of its own to keep the browse bank.
enum PostgresBankBench {
    static func run(_ args: [String]) throws {
        var options = BankBench.Options()
        var database: String?
        var insertDatabase: String?
        var parts: [String] = []
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--database": database = args[i + 1]; i += 1
            case "--insert-database": insertDatabase = args[i + 1]; i += 1
            case "--dir": options.dir = URL(fileURLWithPath: args[i + 1]); i += 1
            case "--instances": options.instances = Int(args[i + 1])!; i += 1
            case "--cutouts": options.cutouts = Int(args[i + 1])!; i += 1
            default: parts.append(args[i])
            }
            i += 1
        }
        guard let database else { throw BankError.invalidArgument("give --database postgres://…") }
        if parts.isEmpty || parts == ["all"] { parts = ["insert", "browse"] }
        try FileManager.default.createDirectory(at: options.dir, withIntermediateDirectories: true)
        let location = try PostgresLocation(url: database)
        let insertLocation = try PostgresLocation(url: insertDatabase ?? database)
        let chosen = parts, settings = options
        // The main thread is not a thread of the cooperative pool, so it may wait here.
        try BlockingBridge.wait { () async throws in
            let bank = PostgresBank(location: location, logger: BankBench.logger)
            let insertBank = PostgresBank(location: insertLocation, logger: BankBench.logger)
            let pool = Task { try await bank.run() }
            let insertPool = Task { try await insertBank.run() }
            defer {
                pool.cancel()
                insertPool.cancel()
            }
            for part in chosen {
                switch part {
                case "insert": try await insert(insertBank, settings)
                case "browse": try await browse(bank, settings)
                // Only builds (or finds) the browse bank in PostgreSQL, so a later `browse` times a quiet machine.
                case "build": try await bigBank(bank, settings)
                default: throw BankError.invalidArgument("unknown bank-postgres part \(part)")
                }
            }
        }
    }

    /// Drops the bank's tables (a fresh bank for each run) and migrates.
    static func reset(_ bank: PostgresBank) async throws {
        try await bank.client.query("DROP SCHEMA public CASCADE", logger: BankBench.logger)
        try await bank.client.query("CREATE SCHEMA public", logger: BankBench.logger)
        try await bank.migrate(timeout: .seconds(60))
    }

    static func insert(_ postgres: PostgresBank, _ options: BankBench.Options) async throws {
        let pngs = try BankBench.cutoutPNGs(options.cutouts)
        let bytes = pngs.reduce(0) { $0 + $1.count }
        let blobs = try pngs.map { try PNGBlob($0) }
        for driver in ["sqlite", "sqlite-fsync", "postgres"] {
            var samples: [Double] = []
            for _ in 0..<3 {
                let bank: any InstanceBank
                var sqlite: SQLiteBank?
                if driver == "postgres" {
                    try await reset(postgres)
                    bank = postgres
                } else {
                    let url = options.dir.appendingPathComponent("insert.sqlite")
                    try BankBench.removeBank(url)
                    let opened = try SQLiteBank(
                        url: url, configuration: BankConfiguration(durability: driver == "sqlite" ? .normal : .full), logger: BankBench.logger)
                    sqlite = opened
                    bank = opened
                }
                try await bank.upsertCategories([BankCategory(id: 1, name: "thing")])
                let source = try await bank.addSource(NewSource(kind: .generated, sha256: SHA256Digest(hashing: [1]), width: 512, height: 512)).id
                let start = DispatchTime.now().uptimeNanoseconds
                for first in stride(from: 0, to: blobs.count, by: 64) {
                    let batch = blobs[first..<min(first + 64, blobs.count)].map {
                        NewInstance(sourceId: source, categoryId: 1, segmenter: "u2net", cutout: $0, clipScore: 25)
                    }
                    _ = try await bank.addInstances(batch)
                }
                // SQLite: until the bytes are in the bank file itself; PostgreSQL: every commit is
                // already flushed to its log (synchronous_commit on, its default).
                try sqlite?.close()
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            samples.sort()
            let seconds = samples[1]
            BankBench.report("bank.insert.100KB", impl: driver, items: pngs.count, seconds: seconds, extra: ["mb_per_s": Double(bytes) / seconds / 1e6])
        }
        try BankBench.removeBank(options.dir.appendingPathComponent("insert.sqlite"))
    }

    /// The browse bank in PostgreSQL: kept between runs when it already holds `instances`.
    static func bigBank(_ bank: PostgresBank, _ options: BankBench.Options) async throws {
        try await bank.migrate(timeout: .seconds(60))
        if try await bank.count(.all) == options.instances { return }
        try await reset(bank)
        try await bank.upsertCategories(BrowseBankGenerator.categories)
        let sources = try await bank.write { writer in try BankBench.browseSources().map { try writer.addSource($0).id } }
        let start = DispatchTime.now().uptimeNanoseconds
        var generator = BrowseBankGenerator(sources: sources)
        for first in stride(from: 0, to: options.instances, by: BrowseBankGenerator.batch) {
            _ = try await bank.addInstances(try generator.batch(first: first, total: options.instances))
        }
        try await bank.client.query("ANALYZE", logger: BankBench.logger)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        BankBench.report("bank.build.metadata", impl: "postgres", items: options.instances, seconds: seconds, extra: [:])
    }

    static func browse(_ postgres: PostgresBank, _ options: BankBench.Options) async throws {
        try await bigBank(postgres, options)
        let sqlite = try BankBench.bigBank(options)
        defer { try? sqlite.close() }
        for (driver, bank) in [("sqlite", sqlite as any InstanceBank), ("postgres", postgres)] {
            let workload = BrowseWorkload(counts: try await bank.categoryCounts())
            for shape in workload.shapes() {
                var first: [Double] = [], deep: [Double] = []
                for round in 0..<60 {
                    var query = shape.query()
                    for page in 0..<8 {
                        let t0 = DispatchTime.now().uptimeNanoseconds
                        let result = try await bank.browse(query)
                        let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
                        if round > 0 { if page == 0 { first.append(ms) } else { deep.append(ms) } }
                        guard let next = result.nextCursor else { break }
                        query.cursor = next
                    }
                }
                latency("bank.browse[\(shape.name)] first page", driver, first)
                if !deep.isEmpty { latency("bank.browse[\(shape.name)] later pages", driver, deep) }
            }
        }
    }

    static func latency(_ name: String, _ impl: String, _ ms: [Double]) {
        let sorted = ms.sorted()
        let p50 = sorted[sorted.count / 2]
        let p99 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)]
        BankBench.report(name, impl: impl, items: sorted.count, seconds: sorted.reduce(0, +) / 1000, extra: [
            "p50_ms": p50, "p99_ms": p99, "max_ms": sorted.last!,
        ])
    }
}
