import Foundation
import XPasteBank
import XPasteImage

/// Backgrounds generated into the bank (sources of kind "background", e.g. Stable Diffusion scenes
/// made for X-Paste's background mode), in ascending source id. Failed sources and sources whose
/// bytes were not kept are left out.
public struct BankBackgrounds: BackgroundSource {
    /// The bank.
    public let bank: any InstanceBank
    /// Source ids used, ascending.
    public let sourceIDs: [Int64]
    private let limits: DecodeLimits

    /// Lists the bank's background sources.
    ///
    /// The bank has no query for sources by kind, so this walks source ids upwards until it has
    /// seen as many sources as the bank reports (ids are never reused; gaps left by deletions only
    /// cost a lookup each).
    public init(bank: any InstanceBank, limits: DecodeLimits = .default) throws(CompositorError) {
        var ids: [Int64] = []
        do {
            let stats = try bank.stats()
            let total = stats.sources
            guard (stats.sourcesByKind[.background] ?? 0) > 0 else { throw CompositorError.invalidBackground("the bank has no background source") }
            var seen = 0, id: Int64 = 1, misses = 0
            while seen < total, misses < 1_000_000 {
                if let s = try bank.source(id: id) {
                    seen += 1
                    misses = 0
                    if s.kind == .background, s.status != .failed, s.storage != .none { ids.append(id) }
                } else {
                    misses += 1
                }
                id += 1
            }
        } catch let e as CompositorError {
            throw e
        } catch let e as BankError {
            throw .bank(e)
        } catch {
            throw .invalidBackground("\(error)")
        }
        guard !ids.isEmpty else { throw .invalidBackground("the bank keeps no background image bytes") }
        self.bank = bank
        self.sourceIDs = ids
        self.limits = limits
    }

    /// Number of backgrounds.
    public var count: Int { sourceIDs.count }

    /// The source ids used.
    public var manifestDescription: [String: String] {
        ["kind": "bank_backgrounds", "sources": String(sourceIDs.count),
         "first_source": String(sourceIDs.first ?? 0), "last_source": String(sourceIDs.last ?? 0)]
    }

    /// Decodes background `index` from the bank.
    public func load(_ index: Int, maxSide: Int?) throws(CompositorError) -> LoadedBackground {
        let id = sourceIDs[index]
        let bytes: Data?
        do { bytes = try bank.sourceImage(id: id) } catch { throw .bank(error) }
        guard let bytes else { throw .invalidBackground("bank source \(id) has no kept image") }
        let decoded: Image
        do { decoded = try ImageCodec.decode([UInt8](bytes), limits: limits) } catch { throw .image(context: "bank background \(id)", error) }
        let image = try BackgroundImage.prepare(decoded, maxSide: maxSide, context: "bank source \(id)").image
        return LoadedBackground(image: image, provenance: ["bank_source_id": String(id)])
    }
}
