/// What the first chunk of a PNG file says: enough to validate a cutout and learn its size without
/// decoding it.
public struct PNGHeader: Sendable, Hashable {
    /// PNG colour types (the IHDR byte).
    public enum ColorType: UInt8, Sendable, Hashable {
        /// Gray.
        case gray = 0
        /// RGB.
        case rgb = 2
        /// Palette.
        case palette = 3
        /// Gray + alpha.
        case grayAlpha = 4
        /// RGB + alpha.
        case rgba = 6
    }

    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Bits per sample.
    public let bitDepth: Int
    /// Colour type.
    public let colorType: ColorType

    private static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// True when `bytes` start with the PNG signature.
    public static func hasSignature<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        bytes.count >= 8 && zip(bytes.prefix(8), signature).allSatisfy { $0 == $1 }
    }

    /// Parses the signature and IHDR chunk; throws `BankError.invalidBlob` when they are not there.
    public init<Bytes: Collection<UInt8>>(_ data: Bytes) throws(BankError) where Bytes.Index == Int {
        let bytes = Array(data.prefix(33))
        guard bytes.count >= 33, Self.hasSignature(bytes) else {
            throw BankError.invalidBlob("not a PNG file (\(data.count) bytes, signature missing)")
        }
        func be32(_ o: Int) -> Int { Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3]) }
        guard be32(8) == 13, bytes[12...15].elementsEqual("IHDR".utf8) else {
            throw BankError.invalidBlob("PNG does not start with an IHDR chunk")
        }
        let width = be32(16), height = be32(20)
        guard width > 0, height > 0, width < 1 << 31, height < 1 << 31 else {
            throw BankError.invalidBlob("PNG has invalid size \(width)×\(height)")
        }
        guard let colorType = ColorType(rawValue: bytes[25]) else {
            throw BankError.invalidBlob("PNG has unknown colour type \(bytes[25])")
        }
        self.width = width
        self.height = height
        self.bitDepth = Int(bytes[24])
        self.colorType = colorType
    }
}
