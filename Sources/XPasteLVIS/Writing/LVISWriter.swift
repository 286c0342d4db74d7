import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes an LVIS v1 file incrementally, with memory independent of the number of images and
/// annotations, and publishes it atomically.
///
/// Layout and lifecycle:
/// - Images and annotations may be appended in any interleaving (typically one image, then its
///   annotations), as long as each annotation's image was appended before it.
/// - Images stream into a temporary file next to the target (`.<name>.xpaste-<pid>-<random>.tmp`)
///   right after the `info` and `licenses` header; annotations stream into a second temporary
///   spill file. `finish` appends the spill to the first file, writes `categories`, fsyncs and
///   renames it over the target name. Until then the target name is untouched, so a killed
///   process never leaves a half-written dataset under it (only hidden `.tmp`/`.spill` files,
///   which `deinit`/`cancel` remove when the process survives).
/// - Categories may be given up front (then references are checked on every append) or at
///   `finish` (then references are checked there). With `recountCategories`, `image_count` and
///   `instance_count` are set from what was written.
/// - Every element is validated as it is appended (`LVISValidator` rules): one with errors is
///   rejected with `LVISError.invalid` and not written, and the writer stays usable.
///
/// Memory held: the write buffers, image sizes and negative lists, the set of annotation ids and
/// per-category counts; never the annotations.
public final class LVISWriter {
    /// Writer settings.
    public struct Options: Sendable, Hashable {
        /// Rules that appended elements must pass; warnings are collected, errors reject.
        public var validation: LVISValidator.Options
        /// Bytes buffered per file before a `write(2)`.
        public var bufferSize: Int
        /// fsync the file and its directory at `finish`, so the published file survives a crash.
        public var durable: Bool
        /// Replace each category's `image_count` and `instance_count` with the numbers of images
        /// and annotations written for it (`frequency` is kept: it is LVIS's training-set group).
        public var recountCategories: Bool

        /// Settings; by default LVIS rules, 1 MiB buffers, durable, counts kept as given.
        public init(
            validation: LVISValidator.Options = LVISValidator.Options(), bufferSize: Int = 1 << 20,
            durable: Bool = true, recountCategories: Bool = false
        ) {
            self.validation = validation
            self.bufferSize = bufferSize
            self.durable = durable
            self.recountCategories = recountCategories
        }
    }

    /// What `finish` published.
    public struct Summary: Sendable, Hashable {
        /// The published file.
        public var url: URL
        /// Images written.
        public var imageCount: Int
        /// Annotations written.
        public var annotationCount: Int
        /// Categories written.
        public var categoryCount: Int
        /// Size of the file.
        public var byteCount: Int64
        /// Warnings about accepted elements and the whole file (first 1000).
        public var warnings: [LVISViolation]
        /// Total warnings.
        public var warningCount: Int
    }

    private struct ImageCategory: Hashable {
        var image: Int
        var category: Int
    }

    /// The target file.
    public let url: URL
    private let options: Options
    private let main: BufferedFile
    private let spill: BufferedFile
    private var state: LVISValidationState
    private var initialCategories: [LVISCategory]?
    private var warnings: [LVISViolation] = []
    private var warningCount = 0
    private var instanceCounts: [Int: Int] = [:]
    private var imageCategoryPairs = Set<ImageCategory>()
    private var finished = false

    /// Images written so far.
    public private(set) var imageCount = 0
    /// Annotations written so far.
    public private(set) var annotationCount = 0

    /// Starts writing the dataset that `finish` will publish at `url`.
    public init(
        url: URL, info: LVISInfo = LVISInfo(), licenses: [LVISLicense] = [], categories: [LVISCategory]? = nil,
        options: Options = Options()
    ) throws {
        self.url = url
        self.options = options
        let directory = url.deletingLastPathComponent().path
        let stem = "\(directory)/.\(url.lastPathComponent).xpaste-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        main = try BufferedFile(creating: stem + ".tmp", bufferSize: options.bufferSize)
        do {
            spill = try BufferedFile(creating: stem + ".spill", bufferSize: options.bufferSize, readable: true)
        } catch {
            unlink(main.path)
            throw error
        }
        state = LVISValidationState(options: options.validation, rejectInvalidElements: true)
        if let categories {
            try checkCategories(categories, into: &state)
            state.sealCategories()
            initialCategories = categories
        }
        main.out.byte(0x7B)
        var first = true
        main.out.key("info", first: &first)
        info.write(to: &main.out)
        main.out.key("licenses", first: &first)
        main.out.byte(0x5B)
        for (i, license) in licenses.enumerated() {
            if i > 0 { main.out.comma() }
            license.write(to: &main.out)
        }
        main.out.byte(0x5D)
        main.out.key("images", first: &first)
        main.out.byte(0x5B)
    }

    deinit {
        if !finished { discardTemporaryFiles() }
    }

    /// Appends an image. Throws `LVISError.invalid` (and writes nothing) if it breaks a rule.
    public func append(_ image: LVISImage) throws {
        try precheck()
        let found = state.add(image: image, index: imageCount)
        try accept(found)
        try emit(into: main, after: imageCount, path: "$.images[\(imageCount)]") { image.write(to: &$0) }
        imageCount += 1
    }

    /// Appends an annotation; its image must have been appended already. Throws
    /// `LVISError.invalid` (and writes nothing) if it breaks a rule.
    public func append(_ annotation: LVISAnnotation) throws {
        try precheck()
        let found = state.add(annotation: annotation, index: annotationCount)
        try accept(found)
        try emit(into: spill, after: annotationCount, path: "$.annotations[\(annotationCount)]") { annotation.write(to: &$0) }
        annotationCount += 1
        if options.recountCategories {
            instanceCounts[annotation.categoryID, default: 0] += 1
            imageCategoryPairs.insert(ImageCategory(image: annotation.imageID, category: annotation.categoryID))
        }
    }

    /// Completes the file and renames it to `url`. `categories` replaces those given to `init`
    /// (one of the two is required). If the categories do not cover every referenced id, throws
    /// `LVISError.invalid` and stays open, so `finish` can be called again with a fixed list.
    @discardableResult
    public func finish(categories: [LVISCategory]? = nil) throws -> Summary {
        try precheck()
        guard var categories = categories ?? initialCategories else {
            throw LVISError.invalid([
                LVISViolation(code: .categoriesEmpty, severity: .error, path: "$.categories",
                              message: "no categories: pass them to LVISWriter.init or finish"),
            ])
        }
        var trial = state
        if categories != initialCategories {
            // Re-check the references against the final list on a copy, so a failed finish can be retried.
            trial = LVISValidationState(options: options.validation, rejectInvalidElements: true)
            try checkCategories(categories, into: &trial)
            trial.adoptReferences(of: state)
        }
        let report = trial.finish(sectionsPresent: .all)
        let errors = report.violations.filter { $0.severity == .error }
        if report.errorCount > 0 {
            throw LVISError.invalid(errors)
        }
        for v in report.violations where v.severity == .warning && !warnings.contains(v) {
            noteWarning(v)
        }
        if options.recountCategories {
            var imageCounts: [Int: Int] = [:]
            for pair in imageCategoryPairs { imageCounts[pair.category, default: 0] += 1 }
            for i in categories.indices {
                categories[i].imageCount = imageCounts[categories[i].id] ?? 0
                categories[i].instanceCount = instanceCounts[categories[i].id] ?? 0
            }
        }

        main.out.raw("]")
        var notFirst = false
        main.out.key("annotations", first: &notFirst)
        main.out.byte(0x5B)
        try main.append(contentsOf: spill)
        main.out.byte(0x5D)
        main.out.key("categories", first: &notFirst)
        main.out.byte(0x5B)
        for (i, category) in categories.enumerated() {
            if i > 0 { main.out.comma() }
            category.write(to: &main.out)
        }
        main.out.raw("]}\n")
        try main.closeFile(sync: options.durable)
        try? spill.closeFile(sync: false)
        unlink(spill.path)
        guard rename(main.path, url.path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(main.path)
            finished = true
            throw LVISError.io("cannot rename \(main.path) to \(url.path): \(message)")
        }
        finished = true
        if options.durable { Self.syncDirectory(url.deletingLastPathComponent().path) }
        return Summary(
            url: url, imageCount: imageCount, annotationCount: annotationCount, categoryCount: categories.count,
            byteCount: main.written, warnings: warnings, warningCount: warningCount
        )
    }

    /// Abandons the dataset: removes the temporary files; `url` is left as it was.
    public func cancel() {
        guard !finished else { return }
        finished = true
        discardTemporaryFiles()
    }

    private func precheck() throws {
        if finished { throw LVISError.io("the LVIS writer for \(url.path) is already finished or cancelled") }
    }

    private func accept(_ found: [LVISViolation]) throws {
        guard !found.isEmpty else { return }
        let errors = found.filter { $0.severity == .error }
        if !errors.isEmpty { throw LVISError.invalid(errors) }
        for v in found { noteWarning(v) }
    }

    private func noteWarning(_ v: LVISViolation) {
        warningCount += 1
        if warnings.count < 1000 { warnings.append(v) }
    }

    private func checkCategories(_ categories: [LVISCategory], into state: inout LVISValidationState) throws {
        var errors: [LVISViolation] = []
        for (i, category) in categories.enumerated() {
            errors += state.add(category: category, index: i).filter { $0.severity == .error }
        }
        if !errors.isEmpty { throw LVISError.invalid(errors) }
    }

    /// Writes one array element (with its separator after `count` earlier ones) into `file`,
    /// taking it back out if it holds a number JSON cannot represent.
    private func emit(into file: BufferedFile, after count: Int, path: String, _ write: (inout JSONOutput) -> Void) throws {
        let mark = file.out.bytes.count
        if count > 0 { file.out.comma() }
        write(&file.out)
        if file.out.sawNonFinite {
            file.out.bytes.removeSubrange(mark...)
            file.out.sawNonFinite = false
            throw LVISError.invalid([LVISViolation(code: .annotationNonFinite, severity: .error, path: path,
                                                   message: "NaN or infinite numbers cannot be written as JSON")])
        }
        try file.flushIfFull()
    }

    private func discardTemporaryFiles() {
        try? main.closeFile(sync: false)
        try? spill.closeFile(sync: false)
        unlink(main.path)
        unlink(spill.path)
    }

    private static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
