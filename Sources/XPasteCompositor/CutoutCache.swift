import Foundation
import XPasteImage

/// A bounded, thread-safe least-recently-used cache of decoded cutouts (as `CutoutPyramid`s) in
/// front of a `CutoutSource`.
///
/// X-Paste decodes every cutout file for every paste; with 20 pastes per image drawn from pools
/// where popular categories repeat, decoding dominates. Decoded RGBA costs 4 bytes a pixel (a
/// third more with the pyramid), so the cache is bounded in bytes. Two threads missing the same id both decode it (the result is the
/// same), which keeps the lock out of the decode.
public final class CutoutCache: @unchecked Sendable {
    private let source: any CutoutSource
    private let capacityBytes: Int
    private let lock = NSLock()
    private var entries: [Int64: (pyramid: CutoutPyramid, tick: UInt64)] = [:]
    private var bytes = 0
    private var tick: UInt64 = 0
    private var hitCount = 0
    private var missCount = 0

    /// Wraps `source`, keeping at most `capacityBytes` of decoded pixels.
    public init(source: any CutoutSource, capacityBytes: Int) {
        self.source = source
        self.capacityBytes = max(0, capacityBytes)
    }

    /// The cutout of `id` and its halved copies, from the cache or the source.
    public func cutout(id: Int64) throws(CompositorError) -> CutoutPyramid {
        lock.lock()
        tick &+= 1
        if let hit = entries[id] {
            entries[id] = (hit.pyramid, tick)
            hitCount += 1
            lock.unlock()
            return hit.pyramid
        }
        missCount += 1
        lock.unlock()
        let pyramid = CutoutPyramid(try source.cutout(id: id))
        let size = pyramid.byteCount
        guard size <= capacityBytes else { return pyramid }
        lock.lock()
        defer { lock.unlock() }
        if entries[id] == nil {
            while bytes + size > capacityBytes, let victim = entries.min(by: { $0.value.tick < $1.value.tick }) {
                bytes -= victim.value.pyramid.byteCount
                entries[victim.key] = nil
            }
            tick &+= 1
            entries[id] = (pyramid, tick)
            bytes += size
        }
        return pyramid
    }

    /// Keeps the levels a paste added to `id`'s pyramid, so later pastes of it find them made
    /// (the levels' content does not depend on when they were made).
    public func remember(_ pyramid: CutoutPyramid, for id: Int64) {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[id], entry.pyramid.levels.count < pyramid.levels.count else { return }
        let grown = pyramid.byteCount - entry.pyramid.byteCount
        guard bytes + grown <= capacityBytes else { return }
        entries[id] = (pyramid, entry.tick)
        bytes += grown
    }

    /// Cache hits and misses so far (for the run summary).
    public var statistics: (hits: Int, misses: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (hitCount, missCount)
    }
}
