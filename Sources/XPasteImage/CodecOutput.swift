import CCodecs

/// Moves the bytes of a C-owned `xp_buffer` into a Swift array and frees the C storage.
enum CodecOutput {
    /// Runs `encode` with a fresh buffer and returns what it wrote, or throws the mapped error.
    static func collect(
        _ format: ImageFormat,
        _ encode: (UnsafeMutablePointer<xp_buffer>, UnsafeMutablePointer<CChar>) -> xp_status
    ) throws(ImageError) -> [UInt8] {
        var buffer = xp_buffer(data: nil, size: 0, capacity: 0)
        defer { xp_buffer_free(&buffer) }
        var message = [CChar](repeating: 0, count: Int(XP_MESSAGE_MAX))
        let status = message.withUnsafeMutableBufferPointer { encode(&buffer, $0.baseAddress!) }
        guard status == XP_OK else {
            throw ImageError.codec(status, format, text(message), encoding: true)
        }
        guard let data = buffer.data else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: buffer.size))
    }

    /// The NUL-terminated text in a C message buffer.
    static func text(_ message: [CChar]) -> String {
        message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
