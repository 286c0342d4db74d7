import Foundation

/// Per-category statistics of object size, as X-Paste uses to scale pasted instances: for every
/// annotation, `s = sqrt(bbox_w × bbox_h / (image_w × image_h))`; per category the mean and the
/// standard deviation of `s`.
///
/// The standard deviation is the population one (NumPy's default `np.std`, ddof 0): the X-Paste
/// prior `lvis_v1_size_prior.json` has std exactly 0.0 for the categories with a single LVIS
/// training instance, where the sample std would be undefined. Sums use NumPy's pairwise order.
///
/// The json form is the one of `lvis_v1_size_prior.json`: an object whose keys are category ids
/// as strings and whose values are `[mean, std]`, written with Python's default separators and
/// float formatting (keys in ascending id order; categories without annotations are left out).
public struct LVISSizePrior: Sendable, Hashable {
    /// Mean and standard deviation of sqrt(relative box area) for one category.
    public struct Statistic: Sendable, Hashable {
        /// Mean.
        public var mean: Double
        /// Population standard deviation.
        public var std: Double

        /// A statistic.
        public init(mean: Double, std: Double) {
            self.mean = mean
            self.std = std
        }
    }

    /// By category id.
    public var statistics: [Int: Statistic]

    /// A prior from precomputed statistics.
    public init(statistics: [Int: Statistic]) {
        self.statistics = statistics
    }

    /// The statistic of category `id`.
    public subscript(categoryID id: Int) -> Statistic? {
        statistics[id]
    }

    /// Reads the json form (`{"1": [mean, std], …}`).
    public init(contentsOf url: URL) throws {
        try self.init(reading: LVISReaderSource.scanner(for: url))
    }

    /// Parses the json form from memory.
    public init(jsonBytes: some Collection<UInt8>) throws {
        try self.init(reading: JSONScanner(bytes: jsonBytes))
    }

    private init(reading scanner: JSONScanner) throws {
        var s = scanner
        var stats: [Int: Statistic] = [:]
        do {
            try s.beginObject()
            var first = true
            while let key = try s.nextKey(first: &first) {
                let name = key.string
                guard let id = Int(name) else {
                    throw JSONDecodeFailure(offset: s.offset, message: "keys are category ids, found \"\(name)\"")
                }
                let pair: [Double]
                do {
                    pair = try s.readDoubleArray()
                } catch {
                    var f = JSONDecodeFailure(wrapping: error, offset: s.offset)
                    f.reversedComponents.append(.key(name))
                    throw f
                }
                guard pair.count == 2 else {
                    var f = JSONDecodeFailure(offset: s.offset, message: "values are [mean, std], found \(pair.count) numbers")
                    f.reversedComponents = [.key(name)]
                    throw f
                }
                stats[id] = Statistic(mean: pair[0], std: pair[1])
            }
            try s.expectEnd()
        } catch {
            throw LVISReader.publicError(error)
        }
        statistics = stats
    }

    /// The json form, byte-compatible with how Python's `json.dump` writes the X-Paste prior.
    public func jsonData() -> Data {
        var out = JSONOutput(reservingCapacity: statistics.count * 52, spaced: true)
        out.byte(0x7B)
        for (i, (id, s)) in statistics.sorted(by: { $0.key < $1.key }).enumerated() {
            if i > 0 { out.comma() }
            out.string(String(id))
            out.raw(": [")
            out.double(s.mean, compactIntegers: false)
            out.comma()
            out.double(s.std, compactIntegers: false)
            out.byte(0x5D)
        }
        out.byte(0x7D)
        return Data(out.bytes)
    }

    /// Writes the json form to `url` atomically (a new file renamed over the old one).
    ///
    /// Refuses (`LVISError.io`) to replace anything but a regular file: a symlink or a device node
    /// at `url` would otherwise be swapped for a regular file by the rename. Refuses
    /// (`LVISError.invalid`) a prior with a non-finite value, which JSON cannot hold.
    public func write(to url: URL) throws {
        try checkFinite()
        var info = stat()
        if lstat(url.path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            throw LVISError.io("cannot write \(url.path): it exists and is not a regular file (a link, device or folder); refusing to replace it")
        }
        do {
            try jsonData().write(to: url, options: .atomic)
        } catch {
            throw LVISError.io("cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    /// Throws `LVISError.invalid` (code `annotation.non_finite`) naming each category whose mean
    /// or std is not finite, as happens when box sizes overflow a Double.
    public func checkFinite() throws {
        let bad = statistics.filter { !$0.value.mean.isFinite || !$0.value.std.isFinite }.sorted { $0.key < $1.key }
        guard bad.isEmpty else {
            throw LVISError.invalid(bad.map { id, s in
                LVISViolation(code: .annotationNonFinite, severity: .error, path: "$.annotations[category_id=\(id)]",
                              message: "the sizes of category \(id) overflow (mean \(s.mean), std \(s.std)): a box or image size is out of range")
            })
        }
    }

    /// Computes the prior from an LVIS/COCO annotation file in one streaming pass; a category whose
    /// statistics overflow is an `LVISError.invalid` rather than a silently wrong value.
    public static func compute(fromFileAt url: URL) throws -> (prior: LVISSizePrior, summary: LVISSizePriorAccumulator.Summary) {
        var accumulator = LVISSizePriorAccumulator()
        try LVISReader(url: url).read(sections: [.images, .annotations], into: &accumulator)
        let result = accumulator.finish()
        try result.prior.checkFinite()
        return result
    }
}

/// Opens files for the small readers that share the scanner.
enum LVISReaderSource {
    static func scanner(for url: URL) throws -> JSONScanner {
        do {
            return try JSONScanner(path: url.path, chunkSize: 1 << 16)
        } catch {
            throw LVISError.io(error.message)
        }
    }
}
