import Foundation
import Logging
import XPasteBank
import XPasteImage

/// The ingest stage: records the images of a server-side folder as pending sources. Files directly
/// in the folder go to the job's category (there must be exactly one); a sub-folder named after one
/// of the job's categories (its name or normalised name) goes to that category. Only regular files
/// are read (a FIFO or device named `x.jpg` is skipped, never opened), links are followed only when
/// `isAllowed` accepts their target, and each file is decoded in full before it is recorded.
///
/// Re-running is harmless: sources are deduplicated by the hash of their bytes, so a killed ingest
/// resumes by walking the folder again.
public struct IngestStage: Sendable {
    /// What to ingest.
    public struct Options: Sendable {
        /// The folder.
        public var folder: URL
        /// Descend into sub-folders of category sub-folders too.
        public var recursive: Bool
        /// The job's categories: id and the names a sub-folder may carry.
        public var categories: [(id: Int64, names: [String])]
        /// Most files to record.
        public var maxFiles: Int
        /// Files per bank transaction.
        public var batchSize: Int
        /// The job recorded on the sources.
        public var jobId: String?
        /// Whether a resolved path may be read (the operator's allowed roots).
        public var isAllowed: @Sendable (URL) -> Bool

        /// Options.
        public init(
            folder: URL, recursive: Bool = true, categories: [(id: Int64, names: [String])], maxFiles: Int = 100_000,
            batchSize: Int = 32, jobId: String? = nil, isAllowed: @escaping @Sendable (URL) -> Bool = { _ in true }
        ) {
            self.folder = folder
            self.recursive = recursive
            self.categories = categories
            self.maxFiles = maxFiles
            self.batchSize = batchSize
            self.jobId = jobId
            self.isAllowed = isAllowed
        }
    }

    /// What an ingest did.
    public struct Summary: Sendable, Hashable, Codable {
        /// Files looked at.
        public var files = 0
        /// New sources recorded.
        public var recorded = 0
        /// Files the bank already held.
        public var duplicates = 0
        /// Files refused, by error code.
        public var refused: [String: Int] = [:]
        /// Files skipped because they are not regular files, are outside the allowed roots, or
        /// sit where no category applies.
        public var skipped: [String: Int] = [:]

        /// Refused files in all.
        public var failed: Int { refused.values.reduce(0, +) }
    }

    /// The bank written to.
    public let recorder: SourceRecorder
    /// Where the stage logs.
    public let logger: Logger

    /// A stage.
    public init(bank: any InstanceBank, limits: DecodeLimits = .default, logger: Logger) {
        self.recorder = SourceRecorder(bank: bank, limits: limits)
        self.logger = logger
    }

    /// Walks the folder and records its images, reporting after every batch.
    public func run(
        _ options: Options, progress: StageProgress.Handler = { _ in }, shouldContinue: StageProgress.Continuation = { true }
    ) async throws(StageError) -> Summary {
        guard options.batchSize > 0, options.maxFiles > 0 else { throw .invalidArgument("batch size and max files must be positive") }
        var summary = Summary()
        let plan = try files(options, summary: &summary)
        var start = 0
        while start < plan.count {
            guard shouldContinue() else { throw .stopped }
            let chunk = Array(plan[start..<min(start + options.batchSize, plan.count)])
            let recorder = recorder, jobId = options.jobId, logger = logger
            // Reading and decoding block: both run off the cooperative pool.
            let (batch, unreadable) = await BlockingWork.run { () -> ([SourceRecorder.File], [SourceRecorder.Outcome]) in
                var batch: [SourceRecorder.File] = []
                var unreadable: [SourceRecorder.Outcome] = []
                for (url, category, name) in chunk {
                    let size = (try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
                    guard size <= recorder.limits.maxInputBytes else {
                        unreadable.append(.init(name: name, inserted: false, errorCode: "image.too_large",
                                                error: "\(size) bytes is over the \(recorder.limits.maxInputBytes)-byte input limit"))
                        continue
                    }
                    do {
                        batch.append(.init(bytes: try Data(contentsOf: url), name: name, categoryId: category, jobId: jobId))
                    } catch {
                        logger.warning("cannot read file", metadata: ["path": "\(url.path)", "error": "\(error.localizedDescription)"])
                        unreadable.append(.init(name: name, inserted: false, errorCode: "io.read", error: error.localizedDescription))
                    }
                }
                return (batch, unreadable)
            }
            let outcomes = try await recorder.record(batch) + unreadable
            for outcome in outcomes {
                if let code = outcome.errorCode {
                    summary.refused[code, default: 0] += 1
                    logger.notice("file refused", metadata: ["file": "\(outcome.name)", "error": "\(outcome.error ?? code)"])
                } else if outcome.inserted {
                    summary.recorded += 1
                } else {
                    summary.duplicates += 1
                }
            }
            start += chunk.count
            progress(StageProgress(
                stage: "ingest", done: start, total: plan.count,
                detail: "\(summary.recorded) new, \(summary.duplicates) already in the bank, \(summary.failed) refused",
                failed: summary.failed, errorCounts: summary.refused))
        }
        if plan.isEmpty {
            progress(StageProgress(stage: "ingest", done: 0, total: 0, detail: "no image files", errorCounts: summary.refused))
        }
        return summary
    }

    /// The files to read, each with its category and provenance name, in a stable order.
    private func files(_ options: Options, summary: inout Summary) throws(StageError) -> [(URL, Int64, String)] {
        let fm = FileManager.default
        let root = options.folder.resolvingSymlinksInPath()
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .invalidArgument("\(options.folder.path) is not a folder")
        }
        var byName: [String: Int64] = [:]
        for (id, names) in options.categories {
            for n in names { byName[n.lowercased()] = id; byName[BankCategory.normalizedName(n)] = id }
        }
        let single = options.categories.count == 1 ? options.categories[0].id : nil
        var out: [(URL, Int64, String)] = []
        let keys: [URLResourceKey] = [.isRegularFileKey, .isDirectoryKey, .isSymbolicLinkKey]

        func walk(_ folder: URL, category: Int64?, relative: String, depth: Int) throws(StageError) {
            guard depth < 32 else { return }
            let entries: [URL]
            do {
                entries = try fm.contentsOfDirectory(at: folder, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles])
                    .sorted { $0.lastPathComponent < $1.lastPathComponent }
            } catch {
                throw .invalidArgument("cannot list \(folder.path): \(error.localizedDescription)")
            }
            for entry in entries {
                guard out.count < options.maxFiles else { return }
                let resolved = entry.resolvingSymlinksInPath()
                guard options.isAllowed(resolved) else {
                    summary.skipped["outside_allowed_roots", default: 0] += 1
                    continue
                }
                let values = try? resolved.resourceValues(forKeys: [.isRegularFileKey, .isDirectoryKey])
                let name = relative.isEmpty ? entry.lastPathComponent : "\(relative)/\(entry.lastPathComponent)"
                if values?.isDirectory == true {
                    if depth == 0, let id = byName[entry.lastPathComponent.lowercased()] ?? byName[BankCategory.normalizedName(entry.lastPathComponent)] {
                        try walk(resolved, category: id, relative: name, depth: depth + 1)
                    } else if depth > 0, options.recursive {
                        try walk(resolved, category: category, relative: name, depth: depth + 1)
                    } else if depth == 0, options.recursive, let single {
                        try walk(resolved, category: single, relative: name, depth: depth + 1)
                    } else {
                        summary.skipped["folder_without_category", default: 0] += 1
                    }
                    continue
                }
                guard values?.isRegularFile == true else {
                    summary.skipped["not_a_regular_file", default: 0] += 1
                    continue
                }
                summary.files += 1
                guard let category = category ?? single else {
                    summary.skipped["no_category", default: 0] += 1
                    continue
                }
                out.append((resolved, category, name))
            }
        }
        try walk(root, category: nil, relative: "", depth: 0)
        return out
    }
}
