#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pull tokenizer over JSON bytes read from a file descriptor in chunks (or from memory).
///
/// Memory stays bounded by the chunk size: only the bytes of the token being read are kept, and
/// the buffer grows only when one token (one string or number) is longer than it. Callers drive
/// it with `beginObject`/`nextKey`, `beginArray`/`nextElement` and the typed readers, so element
/// decoders build model values straight from the bytes without an intermediate tree.
///
/// Offsets in errors are byte offsets from the start of the input.
struct JSONScanner {
    /// Owns the buffer memory and the descriptor, so copies of the scanner never double-free.
    private final class Storage {
        var pointer: UnsafeMutablePointer<UInt8>
        var capacity: Int
        let fd: Int32

        init(capacity: Int, fd: Int32) {
            self.pointer = .allocate(capacity: capacity)
            self.capacity = capacity
            self.fd = fd
        }

        deinit {
            pointer.deallocate()
            if fd >= 0 { close(fd) }
        }
    }

    private let storage: Storage
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Next unread byte.
    private var pos = 0
    /// One past the last valid byte.
    private var end = 0
    /// Input offset of `base[0]`.
    private var shifted: Int64 = 0
    private var eof: Bool
    /// While ≥ 0, bytes from here on survive a refill (a key being matched after its colon).
    private var anchor = -1

    /// Opens `path` for chunked reading.
    init(path: String, chunkSize: Int) throws(JSONSyntaxError) {
        // O_NONBLOCK so a FIFO or device named like a JSON file cannot block the open; only regular
        // files are read (blocking again for them).
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw JSONSyntaxError(offset: 0, message: "cannot open \(path): \(String(cString: strerror(errno)))", isIO: true)
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw JSONSyntaxError(offset: 0, message: "cannot read \(path): not a regular file", isIO: true)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        storage = Storage(capacity: max(chunkSize, 64), fd: fd)
        base = storage.pointer
        capacity = storage.capacity
        eof = false
    }

    /// Scans bytes already in memory.
    init(bytes: some Collection<UInt8>) {
        storage = Storage(capacity: max(bytes.count, 1), fd: -1)
        base = storage.pointer
        capacity = storage.capacity
        _ = UnsafeMutableBufferPointer(start: base, count: bytes.count).initialize(from: bytes)
        end = bytes.count
        eof = true
    }

    /// Offset of the next unread byte in the input.
    var offset: Int64 { shifted + Int64(pos) }

    // MARK: Buffer management

    /// Reads more input, keeping bytes from `pos` (or `anchor`) on. Returns false at end of input.
    private mutating func refill() throws(JSONSyntaxError) -> Bool {
        if eof { return false }
        let keep = anchor >= 0 ? min(anchor, pos) : pos
        if keep > 0 {
            let live = end - keep
            if live > 0 { (base).update(from: base + keep, count: live) }
            end = live
            pos -= keep
            if anchor >= 0 { anchor -= keep }
            shifted += Int64(keep)
        }
        if end == capacity {
            // A single token longer than the buffer: grow rather than fail.
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: base, count: end)
            storage.pointer.deallocate()
            storage.pointer = bigger
            storage.capacity = capacity * 2
            base = bigger
            capacity *= 2
        }
        while true {
            let n = read(storage.fd, base + end, capacity - end)
            if n > 0 {
                end += n
                return true
            }
            if n == 0 {
                eof = true
                return false
            }
            if errno == EINTR { continue }
            throw JSONSyntaxError(offset: offset, message: "read failed: \(String(cString: strerror(errno)))", isIO: true)
        }
    }

    private func fail(_ message: String, at index: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: shifted + Int64(index ?? pos), message: message)
    }

    // MARK: Structure

    /// Skips whitespace and returns the next byte without consuming it; nil at end of input.
    @inline(__always)
    mutating func peek() throws(JSONSyntaxError) -> UInt8? {
        if pos < end {
            let b = base[pos]
            if b > 0x20 { return b }
            // Python's json.dump puts one space after every ',' and ':'.
            if b == 0x20 && pos + 1 < end && base[pos + 1] > 0x20 {
                pos += 1
                return base[pos]
            }
        }
        return try peekSlowly()
    }

    private mutating func peekSlowly() throws(JSONSyntaxError) -> UInt8? {
        while true {
            while pos < end {
                let b = base[pos]
                if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 {
                    pos += 1
                } else {
                    return b
                }
            }
            guard try refill() else { return nil }
        }
    }

    /// Describes the next value's type for error messages.
    mutating func describeNext() -> String {
        guard let b = try? peek() else { return "end of input" }
        switch b {
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return "a number"
        default: return "'\(Character(Unicode.Scalar(b)))'"
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard try peek() == byte else { throw fail("expected \(what), found \(describeNext())") }
        pos += 1
    }

    /// Consumes `{`.
    mutating func beginObject() throws(JSONSyntaxError) {
        guard try peek() == UInt8(ascii: "{") else { throw fail("expected an object, found \(describeNext())") }
        pos += 1
    }

    /// Consumes `[`.
    mutating func beginArray() throws(JSONSyntaxError) {
        guard try peek() == UInt8(ascii: "[") else { throw fail("expected an array, found \(describeNext())") }
        pos += 1
    }

    /// Moves to the next member of the object being read and returns its key (valid only until
    /// the next scanner call), or nil after consuming the closing `}`. `first` tracks commas.
    mutating func nextKey(first: inout Bool) throws(JSONSyntaxError) -> JSONKey? {
        guard let b = try peek() else { throw fail("unexpected end of input inside an object") }
        if b == UInt8(ascii: "}") {
            pos += 1
            return nil
        }
        if first {
            first = false
        } else {
            guard b == UInt8(ascii: ",") else { throw fail("expected ',' or '}' in an object, found \(describeNext())") }
            pos += 1
            guard try peek() == UInt8(ascii: "\"") else { throw fail("expected a key after ',', found \(describeNext())") }
        }
        guard try peek() == UInt8(ascii: "\"") else { throw fail("expected a key, found \(describeNext())") }
        let (start, length) = try scanString()
        anchor = start
        defer { anchor = -1 }
        try expect(UInt8(ascii: ":"), "':' after a key")
        return JSONKey(bytes: UnsafeBufferPointer(start: base + anchor, count: length))
    }

    /// Moves to the next element of the array being read: true if there is one, false after
    /// consuming the closing `]`.
    mutating func nextElement(first: inout Bool) throws(JSONSyntaxError) -> Bool {
        guard let b = try peek() else { throw fail("unexpected end of input inside an array") }
        if b == UInt8(ascii: "]") {
            pos += 1
            return false
        }
        if first {
            first = false
            return true
        }
        guard b == UInt8(ascii: ",") else { throw fail("expected ',' or ']' in an array, found \(describeNext())") }
        pos += 1
        guard let next = try peek(), next != UInt8(ascii: "]") else { throw fail("expected a value after ','") }
        return true
    }

    /// Consumes `null` if it is next; returns whether it did.
    mutating func skipNull() throws(JSONSyntaxError) -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let n = word.utf8CodeUnitCount
        while end - pos < n {
            guard try refill() else { throw fail("unexpected end of input") }
        }
        guard memcmp(base + pos, word.utf8Start, n) == 0 else { throw fail("invalid literal") }
        pos += n
    }

    /// Requires that only whitespace remains.
    mutating func expectEnd() throws(JSONSyntaxError) {
        if try peek() != nil { throw fail("unexpected data after the top-level value") }
    }

    // MARK: Scalars

    /// Reads `true` or `false`.
    mutating func readBool() throws(JSONSyntaxError) -> Bool {
        switch try peek() {
        case UInt8(ascii: "t"): try literal("true"); return true
        case UInt8(ascii: "f"): try literal("false"); return false
        default: throw fail("expected a boolean, found \(describeNext())")
        }
    }

    /// Finds the end of the number at `pos` with all its bytes in the buffer; returns its range.
    private mutating func scanNumberToken() throws(JSONSyntaxError) -> Range<Int> {
        var i = pos
        while true {
            while i < end {
                let b = base[i]
                    if !JSONNumberParser.isNumberByte(b) { return pos..<i }
                i += 1
            }
            let rel = i - pos
            guard try refill() else { return pos..<end }
            i = pos + rel
        }
    }

    /// Reads a JSON number as a Double (correctly rounded).
    mutating func readDouble() throws(JSONSyntaxError) -> Double {
        // Fast path: the number starts here and ends inside the buffer.
        if pos < end, let (value, next) = JSONNumberParser.parse(base, pos, end),
           next < end && !JSONNumberParser.isNumberByte(base[next]) {
            pos = next
            return value
        }
        return try readDoubleSlowly()
    }

    /// `readDouble` across buffer refills, and its error messages.
    private mutating func readDoubleSlowly() throws(JSONSyntaxError) -> Double {
        guard let b = try peek(), b == 0x2D || (b &- 0x30) < 10 else {
            throw fail("expected a number, found \(describeNext())")
        }
        let token = try scanNumberToken()
        guard let value = JSONNumberParser.double(base, token) else {
            throw fail("invalid number '\(String(decoding: UnsafeBufferPointer(start: base + token.lowerBound, count: token.count), as: UTF8.self))'")
        }
        pos = token.upperBound
        return value
    }

    /// Reads a JSON number that must be an integer (`640` or `640.0`).
    mutating func readInt() throws(JSONSyntaxError) -> Int {
        guard let b = try peek(), b == 0x2D || (b &- 0x30) < 10 else {
            throw fail("expected an integer, found \(describeNext())")
        }
        let token = try scanNumberToken()
        let text = { [base] in String(decoding: UnsafeBufferPointer(start: base + token.lowerBound, count: token.count), as: UTF8.self) }
        if let v = JSONNumberParser.integer(base, token) {
            pos = token.upperBound
            return v
        }
        guard let d = JSONNumberParser.double(base, token) else { throw fail("invalid number '\(text())'") }
        guard d.rounded(.towardZero) == d, let v = Int(exactly: d) else {
            throw fail("expected an integer, found \(text())")
        }
        pos = token.upperBound
        return v
    }

    /// Finds the string at `pos` (which must be `"`), unescaping it in place; returns its
    /// decoded bytes' start and length and moves past the closing quote.
    private mutating func scanString() throws(JSONSyntaxError) -> (start: Int, length: Int) {
        pos += 1 // opening quote, checked by the caller
        var i = pos
        var escaped = false
        while true {
            while i < end {
                let b = base[i]
                if b == 0x22 {
                    let start = pos
                    var length = i - pos
                    if escaped { length = try unescape(from: start, to: i) }
                    pos = i + 1
                    return (start, length)
                }
                if b == 0x5C {
                    escaped = true
                    // The escaped byte must be in the buffer too, so `\"` is never mistaken for the end.
                    if i + 1 >= end {
                        break
                    }
                    i += 2
                    continue
                }
                if b < 0x20 { throw fail("control character in a string", at: i) }
                i += 1
            }
            let rel = i - pos
            // The opening quote sits at pos - 1: keep it so error offsets stay meaningful.
            pos -= 1
            let more = try refill()
            pos += 1
            guard more else { throw fail("unterminated string") }
            i = pos + rel
        }
    }

    /// Decodes escapes in `base[start..<stop]` in place (the result is never longer) and
    /// returns the decoded length.
    private mutating func unescape(from start: Int, to stop: Int) throws(JSONSyntaxError) -> Int {
        var r = start, w = start
        while r < stop {
            let b = base[r]
            if b != 0x5C {
                base[w] = b
                w += 1
                r += 1
                continue
            }
            let e = base[r + 1]
            r += 2
            switch e {
            case 0x22, 0x5C, 0x2F: base[w] = e; w += 1
            case UInt8(ascii: "b"): base[w] = 0x08; w += 1
            case UInt8(ascii: "f"): base[w] = 0x0C; w += 1
            case UInt8(ascii: "n"): base[w] = 0x0A; w += 1
            case UInt8(ascii: "r"): base[w] = 0x0D; w += 1
            case UInt8(ascii: "t"): base[w] = 0x09; w += 1
            case UInt8(ascii: "u"):
                guard var scalar = hex4(at: r, stop: stop) else { throw fail("invalid \\u escape", at: r - 2) }
                r += 4
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard r + 6 <= stop, base[r] == 0x5C, base[r + 1] == UInt8(ascii: "u"),
                          let low = hex4(at: r + 2, stop: stop), (0xDC00..<0xE000).contains(low)
                    else { throw fail("unpaired surrogate in \\u escape", at: r - 6) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    r += 6
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw fail("unpaired surrogate in \\u escape", at: r - 6)
                }
                for unit in UTF8.encode(Unicode.Scalar(scalar)!)! {
                    base[w] = unit
                    w += 1
                }
            default:
                throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))'", at: r - 2)
            }
        }
        return w - start
    }

    private func hex4(at index: Int, stop: Int) -> UInt32? {
        guard index + 4 <= stop else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = base[index + k]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    /// Reads a string value.
    mutating func readString() throws(JSONSyntaxError) -> String {
        guard try peek() == 0x22 else { throw fail("expected a string, found \(describeNext())") }
        let (start, length) = try scanString()
        return String(decoding: UnsafeBufferPointer(start: base + start, count: length), as: UTF8.self)
    }

    /// Reads an array of numbers; a failure names the element's index.
    mutating func readDoubleArray() throws -> [Double] {
        try readArray(reserving: 16) { s throws(JSONSyntaxError) in try s.readDouble() }
    }

    /// Reads an array of integers; a failure names the element's index.
    mutating func readIntArray() throws -> [Int] {
        try readArray { s throws(JSONSyntaxError) in try s.readInt() }
    }

    /// Reads an array of strings; a failure names the element's index.
    mutating func readStringArray() throws -> [String] {
        try readArray { s throws(JSONSyntaxError) in try s.readString() }
    }

    @inline(__always)
    private mutating func readArray<T>(reserving capacity: Int = 0, _ read: (inout JSONScanner) throws(JSONSyntaxError) -> T) throws -> [T] {
        try beginArray()
        var values: [T] = []
        values.reserveCapacity(capacity)
        var first = true
        while try nextElement(first: &first) {
            do {
                values.append(try read(&self))
            } catch {
                var f = JSONDecodeFailure(error)
                f.reversedComponents.append(.index(values.count))
                throw f
            }
        }
        return values
    }

    // MARK: Skipping

    /// The deepest nesting of arrays and objects a skipped value may have. LVIS and COCO files nest
    /// at most ~6 deep; the bound keeps hostile input (`[[[[…`) from overflowing the stack.
    static let maxDepth = 64

    /// Skips one complete value of any type, checking its syntax; `depth` is the nesting of the
    /// value's container (nesting past `maxDepth` is refused).
    mutating func skipValue(depth: Int = 0) throws(JSONSyntaxError) {
        guard let b = try peek() else { throw fail("expected a value, found end of input") }
        switch b {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard depth < Self.maxDepth else {
                throw fail("arrays and objects nested deeper than \(Self.maxDepth) levels")
            }
            pos += 1
            var first = true
            if b == UInt8(ascii: "{") {
                while try nextKey(first: &first) != nil { try skipValue(depth: depth + 1) }
            } else {
                while try nextElement(first: &first) { try skipValue(depth: depth + 1) }
            }
        case UInt8(ascii: "\""):
            _ = try scanString()
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            _ = try readBool()
        case UInt8(ascii: "n"):
            try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try readDouble()
        default:
            throw fail("expected a value, found \(describeNext())")
        }
    }
}

/// A member name borrowed from the scanner's buffer; compare it with `==` against a literal.
struct JSONKey {
    let bytes: UnsafeBufferPointer<UInt8>

    @inline(__always)
    static func == (key: JSONKey, literal: StaticString) -> Bool {
        key.bytes.count == literal.utf8CodeUnitCount
            && memcmp(key.bytes.baseAddress!, literal.utf8Start, key.bytes.count) == 0
    }

    /// The key as a String, for messages and paths.
    var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// A syntax or I/O error from the scanner, before the decoders attach a JSON path.
struct JSONSyntaxError: Error {
    let offset: Int64
    let message: String
    var isIO = false
}
