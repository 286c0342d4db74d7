#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened for writing through a byte buffer that is flushed with `write(2)` when full.
final class BufferedFile {
    let path: String
    private(set) var fd: Int32
    /// Pending bytes, in JSON form.
    var out: JSONOutput
    private let flushThreshold: Int
    /// Bytes handed to the kernel so far.
    private(set) var written: Int64 = 0

    /// Creates `path`, which must not exist (O_EXCL: temporary names are never shared).
    init(creating path: String, bufferSize: Int, readable: Bool = false) throws(LVISError) {
        let flags = (readable ? O_RDWR : O_WRONLY) | O_CREAT | O_EXCL | O_CLOEXEC
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw LVISError.io("cannot create \(path): \(String(cString: strerror(errno)))") }
        self.path = path
        self.fd = fd
        self.flushThreshold = max(bufferSize, 4096)
        self.out = JSONOutput(reservingCapacity: flushThreshold + flushThreshold / 4)
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Flushes if the buffer passed its threshold.
    @inline(__always)
    func flushIfFull() throws(LVISError) {
        if out.bytes.count >= flushThreshold { try flush() }
    }

    /// Hands all buffered bytes to the kernel.
    func flush() throws(LVISError) {
        guard !out.bytes.isEmpty else { return }
        let result = out.bytes.withUnsafeBytes { raw in
            Result { () throws(LVISError) in try Self.writeAll(fd: fd, raw, path: path) }
        }
        try result.get()
        written += Int64(out.bytes.count)
        out.bytes.removeAll(keepingCapacity: true)
    }

    static func writeAll(fd: Int32, _ raw: UnsafeRawBufferPointer, path: String) throws(LVISError) {
        var done = 0
        while done < raw.count {
            let n = write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw LVISError.io("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    /// Appends everything written to `other` so far (after flushing both) to this file.
    func append(contentsOf other: BufferedFile) throws(LVISError) {
        try other.flush()
        try flush()
        guard lseek(other.fd, 0, SEEK_SET) == 0 else {
            throw LVISError.io("cannot rewind \(other.path): \(String(cString: strerror(errno)))")
        }
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            let n = read(other.fd, buffer.baseAddress!, chunk)
            if n < 0 {
                if errno == EINTR { continue }
                throw LVISError.io("cannot read \(other.path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            try Self.writeAll(fd: fd, UnsafeRawBufferPointer(rebasing: buffer[0..<n]), path: path)
            written += Int64(n)
        }
    }

    /// Flushes, optionally fsyncs, and closes.
    func closeFile(sync: Bool) throws(LVISError) {
        try flush()
        if sync && fsync(fd) != 0 {
            throw LVISError.io("cannot fsync \(path): \(String(cString: strerror(errno)))")
        }
        let fd = self.fd
        self.fd = -1
        if close(fd) != 0 {
            throw LVISError.io("cannot close \(path): \(String(cString: strerror(errno)))")
        }
    }
}
