import Foundation
import XPasteImage

/// A bounded, thread-safe least-recently-used cache of decoded cutouts (as `CutoutPyramid`s) in
/// front of a `CutoutSource`.
///
/// X-Paste decodes every cutout file for every paste; with 20 pastes per image drawn from pools
/// where popular categories repeat, decoding dominates. Decoded RGBA costs 4 bytes a pixel (a
/// third more with the pyramid), so the cache is bounded in bytes. A thread missing an id another
/// thread is decoding waits for that decode instead of making a second full-size copy; the lock is
/// not held while decoding.
///
/// Each cutout is kept as a working copy trimmed to the level that the largest paste the size
/// prior allows on the current background resizes from (`CutoutPyramid.trim`): a huge cutout
/// (7000×7000, 196 MB decoded) would otherwise never fit a small cache and be decoded again for
/// every paste (1.2 s → 105 s), holding its full size in memory each time. Only a paste larger than
/// the working copy covers (a larger background) decodes it again, keeping the larger level.
public final class CutoutCache: @unchecked Sendable {
    /// A paste's size for a cutout of the given original width and height; nil when the paste is
    /// skipped for its size.
    public typealias Target = (_ width: Int, _ height: Int) -> (width: Int, height: Int)?

    private let source: any CutoutSource
    private let capacityBytes: Int
    private let lock = NSCondition()
    private var loading: Set<Int64> = []
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

    /// The cutout of `id` as a pyramid that covers the paste `target` asks for: from the cache, or
    /// decoded from the source and trimmed to the level that a paste of `working` size (at least
    /// as large as any paste expected) resizes from.
    public func cutout(id: Int64, target: Target, working: Target) throws(CompositorError) -> CutoutPyramid {
        lock.lock()
        while true {
            tick &+= 1
            if let hit = entries[id] {
                let size = target(hit.pyramid.originalWidth, hit.pyramid.originalHeight)
                if hit.pyramid.covers(width: size?.width ?? 1, height: size?.height ?? 1) {
                    entries[id] = (hit.pyramid, tick)
                    hitCount += 1
                    lock.unlock()
                    return hit.pyramid
                }
            }
            guard loading.contains(id) else { break }
            lock.wait()
        }
        missCount += 1
        loading.insert(id)
        lock.unlock()
        defer {
            lock.lock()
            loading.remove(id)
            lock.broadcast()
            lock.unlock()
        }
        var pyramid = CutoutPyramid(try source.cutout(id: id))
        let (w, h) = (pyramid.originalWidth, pyramid.originalHeight)
        let keep = working(w, h) ?? (1, 1)
        let size = target(w, h) ?? (1, 1)
        do { try pyramid.trim(forWidth: max(keep.width, size.width), height: max(keep.height, size.height)) } catch {
            throw .invalidCutout(id: id, "resizing: \(error)")
        }
        store(pyramid, for: id)
        return pyramid
    }

    /// Keeps the levels a paste added to `id`'s pyramid, so later pastes of it find them made
    /// (the levels' content does not depend on when they were made).
    public func remember(_ pyramid: CutoutPyramid, for id: Int64) {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[id], entry.pyramid.firstLevel == pyramid.firstLevel,
              entry.pyramid.levels.count < pyramid.levels.count else { return }
        let grown = pyramid.byteCount - entry.pyramid.byteCount
        guard bytes + grown <= capacityBytes else { return }
        entries[id] = (pyramid, entry.tick)
        bytes += grown
    }

    /// Cache hits and misses (decodes) so far, for the run summary.
    public var statistics: (hits: Int, misses: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (hitCount, missCount)
    }

    /// Bytes of decoded pixels held now (never over the capacity).
    public var heldBytes: Int {
        lock.lock()
        defer { lock.unlock() }
        return bytes
    }

    /// Inserts (or replaces, with a larger working copy) `id`'s pyramid, evicting the least recently
    /// used ones to stay within the capacity; one larger than the whole capacity is not kept.
    private func store(_ pyramid: CutoutPyramid, for id: Int64) {
        let size = pyramid.byteCount
        lock.lock()
        defer { lock.unlock() }
        // One larger than the whole cache is used once; a smaller working copy held stays.
        guard size <= capacityBytes else { return }
        if let old = entries[id] {
            // Another thread may have stored a working copy meanwhile: keep the one covering more.
            guard old.pyramid.firstLevel > pyramid.firstLevel else { return }
            bytes -= old.pyramid.byteCount
            entries[id] = nil
        }
        while bytes + size > capacityBytes, let victim = entries.min(by: { $0.value.tick < $1.value.tick }) {
            bytes -= victim.value.pyramid.byteCount
            entries[victim.key] = nil
        }
        tick &+= 1
        entries[id] = (pyramid, tick)
        bytes += size
    }
}
