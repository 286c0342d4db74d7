/// Every failure that image decoding, encoding and processing can report.
///
/// Each case has a stable `code` that the HTTP layer and the CLI show; messages may change,
/// codes may not.
public enum ImageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes are not an image format xpaste reads (the magic bytes did not match).
    case unsupportedFormat(String)
    /// The input is empty.
    case empty
    /// The input ended before the image was complete.
    case truncated(String)
    /// The input is an image format we read, but its contents are invalid.
    case corrupt(String)
    /// The image or input is larger than the configured limits allow.
    case tooLarge(String)
    /// Width, height, stride or buffer sizes are inconsistent.
    case invalidGeometry(String)
    /// Encoding failed.
    case encodeFailed(String)
    /// A file could not be opened or read (missing, unreadable, a directory).
    case readFailed(String)
    /// A parameter of a processing call is out of range (a negative radius, a colour with the
    /// wrong number of components, …).
    case invalidArgument(String)

    /// Stable machine-readable code.
    public var code: String {
        switch self {
        case .unsupportedFormat: "image.unsupported_format"
        case .empty: "image.empty"
        case .truncated: "image.truncated"
        case .corrupt: "image.corrupt"
        case .tooLarge: "image.too_large"
        case .invalidGeometry: "image.invalid_geometry"
        case .encodeFailed: "image.encode_failed"
        case .readFailed: "image.read_failed"
        case .invalidArgument: "image.invalid_argument"
        }
    }

    /// Human-readable explanation.
    public var description: String {
        switch self {
        case .unsupportedFormat(let m): "unsupported image format: \(m)"
        case .empty: "empty input: no image bytes"
        case .truncated(let m): "truncated image: \(m)"
        case .corrupt(let m): "corrupt image: \(m)"
        case .tooLarge(let m): "image too large: \(m)"
        case .invalidGeometry(let m): "invalid image geometry: \(m)"
        case .encodeFailed(let m): "image encoding failed: \(m)"
        case .readFailed(let m): "cannot read image file: \(m)"
        case .invalidArgument(let m): "invalid argument: \(m)"
        }
    }
}
