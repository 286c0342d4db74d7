import Foundation

/// Streams `manifest.json`: how a dataset was made (parameters, seed, inputs, bank snapshot), one
/// record per image (its background) and one per annotation (its provenance: the bank instance it
/// was pasted from, or the background annotation it continues).
///
/// Image and annotation records go to two hidden spill files as they come, so memory does not grow
/// with the dataset; `finish` assembles the manifest in a fixed key order and renames it into place.
final class ManifestWriter {
    private let url: URL
    private let imagesSpill: SpillFile
    private let annotationsSpill: SpillFile
    private let header: [(String, Data)]
    private let encoder: JSONEncoder

    /// Starts a manifest whose leading keys are `header`, in order (values already JSON).
    init(url: URL, header: [(String, Data)]) throws(CompositorError) {
        self.url = url
        self.header = header
        let stem = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid())").path
        imagesSpill = try SpillFile(path: stem + ".images")
        annotationsSpill = try SpillFile(path: stem + ".annotations")
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// Appends one image record.
    func appendImage(_ record: some Encodable) throws(CompositorError) {
        try imagesSpill.append(encode(record))
    }

    /// Appends one annotation record.
    func appendAnnotation(_ record: some Encodable) throws(CompositorError) {
        try annotationsSpill.append(encode(record))
    }

    /// Writes the manifest with `trailer` keys after the two record lists, and publishes it.
    func finish(trailer: [(String, Data)]) throws(CompositorError) {
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp").path
        guard FileManager.default.createFile(atPath: tmp, contents: nil), let out = FileHandle(forWritingAtPath: tmp) else {
            throw .io("cannot create \(tmp)")
        }
        do {
            try out.truncate(atOffset: 0)
            var head = Data("{\n".utf8)
            for (key, value) in header {
                head.append(Data("  \"\(key)\": ".utf8))
                head.append(value)
                head.append(Data(",\n".utf8))
            }
            head.append(Data("  \"images\": [".utf8))
            try out.write(contentsOf: head)
            try imagesSpill.copy(into: out)
            try out.write(contentsOf: Data("\n  ],\n  \"annotations\": [".utf8))
            try annotationsSpill.copy(into: out)
            var tail = Data("\n  ]".utf8)
            for (key, value) in trailer {
                tail.append(Data(",\n  \"\(key)\": ".utf8))
                tail.append(value)
            }
            tail.append(Data("\n}\n".utf8))
            try out.write(contentsOf: tail)
            try out.close()
        } catch {
            throw .io("writing \(tmp): \(error.localizedDescription)")
        }
        imagesSpill.remove()
        annotationsSpill.remove()
        if rename(tmp, url.path) != 0 { throw .io("cannot rename \(tmp) to \(url.path): errno \(errno)") }
    }

    /// Removes the spill files of an unfinished manifest.
    func cancel() {
        imagesSpill.remove()
        annotationsSpill.remove()
    }

    private func encode(_ value: some Encodable) throws(CompositorError) -> Data {
        do { return try encoder.encode(value) } catch { throw .io("encoding manifest record: \(error)") }
    }

    /// JSON for a header or trailer value, keys sorted.
    static func json(_ value: some Encodable) throws(CompositorError) -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return try e.encode(value) } catch { throw .io("encoding manifest value: \(error)") }
    }
}

/// An append-only temporary file of comma-separated JSON records.
private final class SpillFile {
    let path: String
    private let handle: FileHandle
    private var buffer = Data()
    private var count = 0

    init(path: String) throws(CompositorError) {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forUpdatingAtPath: path) else {
            throw .io("cannot create \(path)")
        }
        handle = h
    }

    func append(_ record: Data) throws(CompositorError) {
        buffer.append(Data((count == 0 ? "\n    " : ",\n    ").utf8))
        buffer.append(record)
        count += 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws(CompositorError) {
        do { try handle.write(contentsOf: buffer) } catch { throw .io("writing \(path): \(error.localizedDescription)") }
        buffer.removeAll(keepingCapacity: true)
    }

    func copy(into out: FileHandle) throws {
        try flush()
        try handle.seek(toOffset: 0)
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { try out.write(contentsOf: chunk) }
    }

    func remove() {
        try? handle.close()
        unlink(path)
    }
}
