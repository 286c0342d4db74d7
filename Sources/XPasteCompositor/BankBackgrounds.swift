import Foundation
import XPasteBank
import XPasteImage

/// Backgrounds generated into the bank (sources of kind "background", e.g. Stable Diffusion scenes
/// made for X-Paste's background mode), in ascending source id. Failed sources and sources whose
/// bytes were not kept are left out.
///
/// Synchronous like every `BackgroundSource`: it reads the bank through `BlockingBankReader`, so
/// with a network bank call it from the compositor's threads, not the cooperative pool.
public struct BankBackgrounds: BackgroundSource {
    /// The bank.
    public let bank: any InstanceBank
    /// Source ids used, ascending.
    public let sourceIDs: [Int64]
    private let limits: DecodeLimits
    private let reader: BlockingBankReader

    /// Lists the bank's background sources, paging through them in id order.
    public init(bank: any InstanceBank, limits: DecodeLimits = .default) throws(CompositorError) {
        var ids: [Int64] = []
        let reader = BlockingBankReader(bank)
        do {
            var after: Int64 = 0
            while true {
                let page = try reader.sources(status: nil, kinds: [.background], categoryIds: nil, afterId: after, limit: 1000)
                for s in page where s.status != .failed && s.storage != .none { ids.append(s.id) }
                guard let last = page.last else { break }
                after = last.id
            }
        } catch {
            throw .bank(error)
        }
        guard !ids.isEmpty else { throw .invalidBackground("the bank has no usable background source (kind background, image bytes kept, not failed)") }
        self.bank = bank
        self.sourceIDs = ids
        self.limits = limits
        self.reader = reader
    }

    /// Number of backgrounds.
    public var count: Int { sourceIDs.count }

    /// The source ids used.
    public var manifestDescription: [String: String] {
        ["kind": "bank_backgrounds", "sources": String(sourceIDs.count),
         "first_source": String(sourceIDs.first ?? 0), "last_source": String(sourceIDs.last ?? 0)]
    }

    /// Decodes background `index` from the bank.
    public func load(_ index: Int, fit: BackgroundFit) throws(CompositorError) -> LoadedBackground {
        let id = sourceIDs[index]
        let bytes: Data?
        do { bytes = try reader.sourceImage(id: id) } catch { throw .bank(error) }
        guard let bytes else { throw .invalidBackground("bank source \(id) has no kept image") }
        let decoded: Image
        do { decoded = try ImageCodec.decode([UInt8](bytes), limits: limits) } catch {
            throw .backgroundSkipped(.backgroundUnreadable, "bank background \(id): \(error)")
        }
        let (image, transform) = try fit.apply(to: decoded, context: "bank source \(id)")
        var loaded = LoadedBackground(image: image, provenance: ["bank_source_id": String(id)])
        loaded.jitter = transform.jitter
        return loaded
    }
}
