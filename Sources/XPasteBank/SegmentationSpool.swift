import Foundation
import XPasteLVIS

/// The segmentations of a COCO/LVIS file, parked on disk while the file is read, so an import holds
/// a small index entry per annotation instead of every mask (LVIS train: 1.27 M polygons, about a
/// gigabyte as JSON and more as decoded arrays).
///
/// A file's annotations are not grouped by image (LVIS lists them by id, before its images), so the
/// import reads the whole file once, spooling each segmentation here in a compact binary form, then
/// goes image by image and reads back only that image's segmentations. The file is unlinked as soon
/// as it is made, so nothing is left behind however the import ends.
///
/// Writes happen on one thread while the file is read; `finishWriting()` then flushes, and from then
/// on only `read` is called, from any thread (`pread` at fixed offsets), hence `@unchecked Sendable`.
final class SegmentationSpool: @unchecked Sendable {
    /// Where one segmentation lies in the spool.
    struct Slot: Sendable, Hashable {
        /// Byte offset.
        var offset: Int64
        /// Byte length.
        var length: Int32
    }

    private let descriptor: Int32
    private var pending: [UInt8] = []
    private var written: Int64 = 0
    private static let flushSize = 1 << 20

    /// An empty spool in a fresh, already unlinked file under `directory`.
    init(directory: URL) throws(BankError) {
        var template = Array(directory.appendingPathComponent("xpaste-coco-spool-XXXXXX").path.utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .io("cannot create a spool file in \(directory.path): \(String(cString: strerror(errno)))") }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        descriptor = fd
        pending.reserveCapacity(Self.flushSize + 4096)
    }

    deinit {
        close(descriptor)
    }

    /// Appends `segmentation` and returns where it went.
    func append(_ segmentation: LVISSegmentation) throws(BankError) -> Slot {
        let start = pending.count
        switch segmentation {
        case .polygons(let rings):
            pending.append(0)
            put(UInt64(rings.count))
            for ring in rings {
                put(UInt64(ring.count))
                for v in ring { put(v.bitPattern) }
            }
        case .rle(let rle):
            if case .compressed = rle.counts { pending.append(1) } else { pending.append(2) }
            put(UInt64(bitPattern: Int64(rle.height)))
            put(UInt64(bitPattern: Int64(rle.width)))
            switch rle.counts {
            case .compressed(let text):
                let bytes = Array(text.utf8)
                put(UInt64(bytes.count))
                pending += bytes
            case .uncompressed(let runs):
                put(UInt64(runs.count))
                for r in runs { put(UInt64(bitPattern: Int64(r))) }
            }
        }
        let length = pending.count - start
        guard length <= Int(Int32.max) else { throw .invalidImport("a segmentation of \(length) bytes") }
        let slot = Slot(offset: written + Int64(start), length: Int32(length))
        if pending.count >= Self.flushSize { try flush() }
        return slot
    }

    /// Writes out what is buffered; call once after the last `append`, before any `read`.
    func finishWriting() throws(BankError) {
        try flush()
    }

    /// The segmentation stored at `slot`.
    func read(_ slot: Slot) throws(BankError) -> LVISSegmentation {
        var bytes = [UInt8](repeating: 0, count: Int(slot.length))
        let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(slot.offset)) }
        guard got == Int(slot.length) else { throw .io("reading the spool file: \(got < 0 ? String(cString: strerror(errno)) : "short read")") }
        var reader = Reader(bytes: bytes)
        switch try reader.byte() {
        case 0:
            var rings: [[Double]] = []
            for _ in 0..<(try reader.count()) {
                var ring: [Double] = []
                for _ in 0..<(try reader.count()) { ring.append(Double(bitPattern: try reader.word())) }
                rings.append(ring)
            }
            return .polygons(rings)
        case 1:
            let (height, width) = (try reader.int(), try reader.int())
            let n = try reader.count()
            return .rle(LVISRLE(height: height, width: width, counts: .compressed(String(decoding: try reader.bytes(n), as: UTF8.self))))
        case 2:
            let (height, width) = (try reader.int(), try reader.int())
            var runs: [Int] = []
            for _ in 0..<(try reader.count()) { runs.append(try reader.int()) }
            return .rle(LVISRLE(height: height, width: width, counts: .uncompressed(runs)))
        default:
            throw .corrupt("spool file: unknown segmentation tag")
        }
    }

    private func put(_ word: UInt64) {
        withUnsafeBytes(of: word.littleEndian) { pending += $0 }
    }

    private func flush() throws(BankError) {
        var offset = 0
        while offset < pending.count {
            let n = pending.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            guard n > 0 else { throw .io("writing the spool file: \(String(cString: strerror(errno)))") }
            offset += n
        }
        written += Int64(pending.count)
        pending.removeAll(keepingCapacity: true)
    }

    /// Reads back what `append` wrote, checking every length against the bytes there are.
    private struct Reader {
        let bytes: [UInt8]
        var at = 0

        mutating func byte() throws(BankError) -> UInt8 {
            guard at < bytes.count else { throw .corrupt("spool file: truncated segmentation") }
            at += 1
            return bytes[at - 1]
        }

        mutating func word() throws(BankError) -> UInt64 {
            guard at + 8 <= bytes.count else { throw .corrupt("spool file: truncated segmentation") }
            var v: UInt64 = 0
            for k in 0..<8 { v |= UInt64(bytes[at + k]) << (8 * UInt64(k)) }
            at += 8
            return v
        }

        mutating func int() throws(BankError) -> Int { Int(Int64(bitPattern: try word())) }

        mutating func count() throws(BankError) -> Int {
            let n = try word()
            guard n <= UInt64(bytes.count - at) else { throw .corrupt("spool file: truncated segmentation") }
            return Int(n)
        }

        mutating func bytes(_ n: Int) throws(BankError) -> [UInt8] {
            guard at + n <= bytes.count else { throw .corrupt("spool file: truncated segmentation") }
            at += n
            return Array(bytes[(at - n)..<at])
        }
    }
}
