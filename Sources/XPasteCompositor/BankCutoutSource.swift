import Foundation
import XPasteBank
import XPasteImage

/// Cutouts from the instance bank: accepted instances that pass the run's filters.
///
/// Synchronous like every `CutoutSource`: it reads the bank through `BlockingBankReader`, so with a
/// network bank call it from the compositor's threads, not the cooperative pool.
public struct BankCutoutSource: CutoutSource {
    /// Which instances may be pasted.
    public struct Filter: Sendable, Hashable {
        /// Only these categories (bank ids); nil for all.
        public var categoryIDs: [Int64]?
        /// Minimum CLIP score of the cutout.
        public var minClipScore: Double?
        /// Range of the cutout's area ratio in its source image.
        public var areaRatio: ClosedRange<Double>?

        /// A filter; the default takes every accepted instance.
        public init(categoryIDs: [Int64]? = nil, minClipScore: Double? = nil, areaRatio: ClosedRange<Double>? = nil) {
            self.categoryIDs = categoryIDs
            self.minClipScore = minClipScore
            self.areaRatio = areaRatio
        }

        /// Throws `CompositorError.invalidParameter` naming the field for a non-finite score or
        /// area bound (a NaN or infinite bound would trap in a `ClosedRange`).
        public func validate() throws(CompositorError) {
            if let s = minClipScore, !s.isFinite { throw .invalidParameter("min clip score must be a finite number, got \(s)") }
            if let a = areaRatio, !a.lowerBound.isFinite || !a.upperBound.isFinite {
                throw .invalidParameter("area range must be finite, got \(a.lowerBound)…\(a.upperBound)")
            }
        }
    }

    /// The bank.
    public let bank: any InstanceBank
    /// The filter.
    public let filter: Filter
    private let limits: DecodeLimits
    private let reader: BlockingBankReader

    /// Draws from `bank`'s accepted instances that pass `filter`.
    public init(bank: any InstanceBank, filter: Filter = Filter(), limits: DecodeLimits = .default) {
        self.bank = bank
        self.filter = filter
        self.limits = limits
        reader = BlockingBankReader(bank)
    }

    private var instanceFilter: InstanceFilter {
        InstanceFilter(categoryIds: filter.categoryIDs, statuses: [.accepted],
                       clipScore: filter.minClipScore.flatMap { $0.isFinite ? $0...Double.greatestFiniteMagnitude : nil },
                       areaRatio: filter.areaRatio)
    }

    /// One keyset-paginated pass over the matching instances (metadata only).
    public func catalog() throws(CompositorError) -> CutoutCatalog {
        try filter.validate()
        do {
            var instances: [Int64: [Int64]] = [:]
            var cursor: String?
            repeat {
                let page = try reader.browse(InstanceQuery(filter: instanceFilter, order: .newest, limit: InstanceQuery.maximumLimit, cursor: cursor))
                for i in page.instances { instances[i.categoryId, default: []].append(i.id) }
                cursor = page.nextCursor
            } while cursor != nil
            var categories: [Int64: CutoutCategory] = [:]
            for c in try reader.categories() where instances[c.id] != nil {
                categories[c.id] = CutoutCategory(id: c.id, name: c.name, synonyms: c.synonyms, lvisID: c.isUserDefined ? nil : Int(c.id),
                                                  synset: c.synset, definition: c.definition, frequency: c.frequency)
            }
            return CutoutCatalog(categories: categories, instances: instances)
        } catch {
            throw .bank(error)
        }
    }

    /// The decoded cutout PNG of instance `id`.
    public func cutout(id: Int64) throws(CompositorError) -> Image {
        let record: InstanceCutout
        do { record = try reader.cutout(of: id) } catch { throw .invalidCutout(id: id, error.description) }
        do {
            let image = try ImageCodec.decode([UInt8](record.png), limits: limits)
            // The bank stores 8-bit RGBA cutouts; anything else is not a cutout.
            guard image.format == .rgba8 else { throw CompositorError.invalidCutout(id: id, "cutout PNG has no alpha channel") }
            return image
        } catch let e as CompositorError {
            throw e
        } catch {
            throw .invalidCutout(id: id, "cutout PNG: \(error)")
        }
    }

    /// The bank's file, schema version, instance counts, and a SHA-256 over the drawable
    /// instances' ids and cutout hashes (equal digests: the same cutouts were available).
    public func snapshot() throws(CompositorError) -> [String: String] {
        do {
            let stats = try reader.stats()
            var rows: [(Int64, String)] = []
            var cursor: String?
            repeat {
                let page = try reader.browse(InstanceQuery(filter: instanceFilter, order: .newest, limit: InstanceQuery.maximumLimit, cursor: cursor))
                for i in page.instances { rows.append((i.id, "\(i.id):\(i.categoryId):\(i.cutoutSHA256.hex)\n")) }
                cursor = page.nextCursor
            } while cursor != nil
            var lines = Data()
            for (_, line) in rows.sorted(by: { $0.0 < $1.0 }) { lines.append(contentsOf: line.utf8) }
            let count = rows.count
            var out: [String: String] = [
                "kind": "bank", "schema_version": String(stats.schemaVersion), "drawable_instances": String(count),
                "drawable_digest": SHA256Digest(hashing: lines).hex, "instances": String(stats.instances),
            ]
            if let sqlite = bank as? SQLiteBank { out["path"] = sqlite.url.path }
            if let ids = filter.categoryIDs { out["categories"] = ids.map(String.init).joined(separator: ",") }
            if let s = filter.minClipScore { out["min_clip_score"] = String(s) }
            if let a = filter.areaRatio { out["area_ratio"] = "\(a.lowerBound)…\(a.upperBound)" }
            return out
        } catch {
            throw .bank(error)
        }
    }
}
