import Foundation
import Logging
import XPasteBank
import XPasteCompositor
import XPasteImage
import XPasteLVIS

/// `xpaste-bench compositor WORKLOAD [--images N] [--jobs J] [--repeats R] [--no-cache] [--name NAME]`
///
/// Output images/s of `CompositeRun` on the workload that `xpaste_paste_reference.py make-workload`
/// writes (1024² JPEG backgrounds with LVIS polygon annotations, RGBA cutouts in an X-Paste pool
/// file): 20 pastes per image, polygons, JPEG — the same inputs the Python reference reads. The
/// pool is imported into a temporary bank first (untimed), as a user would with
/// `xpaste bank import --pool`; the timed runs read cutouts from the bank.
enum CompositorBench {
    static func run(_ args: [String]) throws {
        guard let workload = args.first else {
            FileHandle.standardError.write(Data("usage: xpaste-bench compositor WORKLOAD [--images N] [--jobs J] [--repeats R] [--no-cache] [--name NAME]\n".utf8))
            exit(2)
        }
        func value(_ flag: String) -> String? {
            guard let i = args.firstIndex(of: flag), i + 1 < args.count else { return nil }
            return args[i + 1]
        }
        let images = Int(value("--images") ?? "") ?? 24
        let jobs = Int(value("--jobs") ?? "") ?? 1
        let repeats = Int(value("--repeats") ?? "") ?? 3
        let noCache = args.contains("--no-cache")
        let name = value("--name") ?? "composite 1024² +20 pastes, \(jobs) core\(jobs == 1 ? "" : "s")"
        let root = URL(fileURLWithPath: workload)
        let shared = URL(fileURLWithPath: ProcessInfo.processInfo.environment["XPASTE_SHARED_DATA"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../../shared/data").standardized.path)

        var p = CompositorParameters()
        p.minInstances = 20
        p.maxInstances = 20
        p.segmentation = .polygon
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-bench-compositor-\(getpid())")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        var logger = Logger(label: "xpaste.bench")
        logger.logLevel = .error
        let bank = try SQLiteBank(url: out.appendingPathComponent("bank.sqlite"), logger: logger)
        let lvisCategories = try LVISReader(url: shared.appendingPathComponent("lvis_v1_categories.json")).readCategories()
        try bank.upsertCategories(lvisCategories.map { BankCategory(lvis: $0) })
        let poolFile = root.appendingPathComponent("pool.json"), importLogger = logger
        // The main thread is not a thread of the cooperative pool, so it may wait for the import.
        _ = try BlockingBridge.wait { () async throws in
            try await BankImporter(bank: bank, logger: importLogger, options: .init(status: .accepted)).importPool(poolFile)
        }
        let pool = BankCutoutSource(bank: bank)
        let backgrounds = try AnnotatedBackgrounds(annotations: root.appendingPathComponent("annotations.json"),
                                                   imageRoot: root.appendingPathComponent("images"))
        let prior = try LVISSizePrior(contentsOf: shared.appendingPathComponent("lvis_v1_size_prior.json"))
        let vocabulary = try OutputVocabulary.make(format: .lvis, backgroundCategories: backgrounds.categories,
                                                   lvisCategories: nil, catalog: pool.catalog())
        let request = CompositeRequest(parameters: p, seed: 1, imageCount: images, outputDirectory: out.appendingPathComponent("dataset"), jobs: jobs,
                                       cacheBytes: noCache ? 0 : 512 << 20, overwrite: true)
        let seconds = try BenchClock.median(warmup: 1, repeats: repeats) {
            // A fresh run each time, so the cutout cache starts cold as it does for a real job.
            let run = try CompositeRun(request: request, backgrounds: backgrounds, cutouts: pool, vocabulary: vocabulary,
                                       filePrior: (prior, "lvis_v1_size_prior.json"), logger: logger)
            _ = try run.run()
        }
        BenchClock.report(name, items: images, seconds: seconds)
    }
}
