import CCodecs

extension ImageError {
    /// Maps a status from the C codec layer to the matching case, naming the format.
    static func codec(_ status: xp_status, _ format: ImageFormat, _ message: String, encoding: Bool = false) -> ImageError {
        let text = message.isEmpty ? format.displayName : "\(format.displayName): \(message)"
        switch status {
        case XP_ERR_TRUNCATED: return .truncated(text)
        case XP_ERR_TOO_LARGE: return .tooLarge(text)
        case XP_ERR_UNSUPPORTED: return .unsupportedFormat(text)
        // The only allocations that can fail are image-sized, so the image is too large for
        // this process even if it passed DecodeLimits.
        case XP_ERR_NO_MEMORY: return .tooLarge("\(text) (out of memory)")
        case XP_ERR_ENCODE: return .encodeFailed(text)
        case XP_ERR_ARGUMENT: return encoding ? .encodeFailed(text) : .corrupt(text)
        default: return encoding ? .encodeFailed(text) : .corrupt(text)
        }
    }
}
