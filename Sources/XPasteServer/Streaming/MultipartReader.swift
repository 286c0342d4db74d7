import Foundation
import NIOCore

/// A streaming `multipart/form-data` reader (RFC 7578): parts are handed over as their bytes
/// arrive, so an upload of any size passes through a fixed amount of memory.
struct MultipartReader {
    /// A part's headers.
    struct PartHeaders: Sendable {
        /// The form field name.
        var name: String
        /// The file name, for file parts.
        var filename: String?
        /// The declared content type.
        var contentType: String?
    }

    /// What the reader reports.
    enum Event {
        case partStart(PartHeaders)
        case data([UInt8])
        case partEnd
    }

    enum Failure: Error {
        case malformed(String)
    }

    private enum Phase {
        case preamble
        case headers
        case body
        case done
    }

    private let delimiter: [UInt8]      // "\r\n--boundary"
    private var buffer: [UInt8] = []
    private var phase = Phase.preamble
    /// Header block size limit: a part header is a few hundred bytes.
    private let maxHeaderBytes = 16 << 10

    /// The boundary from a `Content-Type: multipart/form-data; boundary=…` value.
    static func boundary(fromContentType value: String) -> String? {
        let parts = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for p in parts.dropFirst() where p.lowercased().hasPrefix("boundary=") {
            var b = String(p.dropFirst("boundary=".count))
            if b.hasPrefix("\""), b.hasSuffix("\""), b.count >= 2 { b = String(b.dropFirst().dropLast()) }
            return (1...70).contains(b.count) ? b : nil
        }
        return nil
    }

    init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        // The first delimiter may start the body without the leading CRLF.
        buffer = Array("\r\n".utf8)
    }

    /// Whether the closing delimiter was seen.
    var isFinished: Bool { if case .done = phase { true } else { false } }

    /// Feeds bytes; returns the events they complete.
    mutating func feed(_ bytes: some Collection<UInt8>) throws -> [Event] {
        buffer.append(contentsOf: bytes)
        var events: [Event] = []
        loop: while true {
            switch phase {
            case .preamble:
                guard let at = find(delimiter, from: 0) else {
                    // Keep only what could still start the delimiter.
                    if buffer.count > delimiter.count { buffer.removeFirst(buffer.count - delimiter.count) }
                    break loop
                }
                guard buffer.count >= at + delimiter.count + 2 else { break loop }
                let after = Array(buffer[(at + delimiter.count)..<(at + delimiter.count + 2)])
                buffer.removeFirst(at + delimiter.count + 2)
                if after == Array("--".utf8) { phase = .done; break loop }
                guard after == Array("\r\n".utf8) else { throw Failure.malformed("a boundary line must end with CRLF") }
                phase = .headers
            case .headers:
                guard let end = find(Array("\r\n\r\n".utf8), from: 0) else {
                    if buffer.count > maxHeaderBytes { throw Failure.malformed("a part's headers are over \(maxHeaderBytes) bytes") }
                    break loop
                }
                let text = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                events.append(.partStart(try Self.parseHeaders(text)))
                phase = .body
            case .body:
                if let at = find(delimiter, from: 0) {
                    guard buffer.count >= at + delimiter.count + 2 else {
                        if at > 0 {
                            events.append(.data(Array(buffer[0..<at])))
                            buffer.removeFirst(at)
                        }
                        break loop
                    }
                    if at > 0 { events.append(.data(Array(buffer[0..<at]))) }
                    let after = Array(buffer[(at + delimiter.count)..<(at + delimiter.count + 2)])
                    buffer.removeFirst(at + delimiter.count + 2)
                    events.append(.partEnd)
                    if after == Array("--".utf8) { phase = .done; break loop }
                    guard after == Array("\r\n".utf8) else { throw Failure.malformed("a boundary line must end with CRLF") }
                    phase = .headers
                } else {
                    let keep = delimiter.count - 1
                    if buffer.count > keep {
                        events.append(.data(Array(buffer[0..<(buffer.count - keep)])))
                        buffer.removeFirst(buffer.count - keep)
                    }
                    break loop
                }
            case .done:
                buffer.removeAll()
                break loop
            }
        }
        return events
    }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        guard buffer.count - start >= needle.count else { return nil }
        let first = needle[0]
        var i = start
        let last = buffer.count - needle.count
        while i <= last {
            if buffer[i] == first {
                var j = 1
                while j < needle.count && buffer[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    static func parseHeaders(_ text: String) throws -> PartHeaders {
        var name: String?
        var filename: String?
        var type: String?
        for line in text.components(separatedBy: "\r\n") where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw Failure.malformed("a part header line without a colon") }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if key == "content-disposition" {
                for item in value.split(separator: ";").dropFirst() {
                    let kv = item.trimmingCharacters(in: .whitespaces)
                    guard let eq = kv.firstIndex(of: "=") else { continue }
                    let k = kv[..<eq].lowercased()
                    var v = String(kv[kv.index(after: eq)...])
                    if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
                    if k == "name" { name = v } else if k == "filename" { filename = v }
                }
            } else if key == "content-type" {
                type = value
            }
        }
        guard let name else { throw Failure.malformed("a part without a form field name") }
        return PartHeaders(name: name, filename: filename, contentType: type)
    }
}
