#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads encoded image files with an upper bound on their size that holds before any byte is
/// read, or as soon as the bound is crossed (a file growing meanwhile).
///
/// Only regular files (or links to them) are read: a FIFO or device named `x.png` in a folder
/// would block the open or the read forever. The open is non-blocking, so even that cannot hang.
enum ImageFileReader {
    /// The whole file at `path`, or `.tooLarge` when it exceeds `maxBytes`; `.readFailed` for
    /// anything but a regular file.
    static func read(_ path: String, maxBytes: Int) throws(ImageError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw .readFailed("\(path): \(errorText(errno))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .readFailed("\(path): \(errorText(errno))") }
        let type = info.st_mode & S_IFMT
        guard type != S_IFDIR else { throw .readFailed("\(path): is a directory") }
        guard type == S_IFREG else { throw .readFailed("\(path): not a regular file (a FIFO, device or socket)") }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)

        var bytes: [UInt8] = []
        do {
            let size = Int(info.st_size)
            guard size <= maxBytes else {
                throw .tooLarge("\(path) is \(size) bytes, over the limit of \(maxBytes) bytes")
            }
            var failure: Int32 = 0
            bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                count = 0
                guard let base = buffer.baseAddress else { return }
                while count < size {
                    let n = systemRead(fd, base + count, size - count)
                    if n > 0 { count += n } else if n == 0 || errno != EINTR { failure = n < 0 ? errno : 0; break }
                }
            }
            if failure != 0 { throw .readFailed("\(path): \(errorText(failure))") }
        }
        // A file that grew meanwhile.
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw .readFailed("\(path): \(errorText(errno))")
            }
            guard bytes.count + n <= maxBytes else {
                throw .tooLarge("\(path) is over the limit of \(maxBytes) bytes")
            }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// `read(2)`, named apart from `ImageFileReader.read` so calls inside the type resolve.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
