import Foundation

/// The pixels of one instance, as the compositor reads them.
public struct InstanceCutout: Sendable, Hashable {
    /// Instance id.
    public var instanceId: Int64
    /// Its category.
    public var categoryId: Int64
    /// Content address of `png`.
    public var sha256: SHA256Digest
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// The RGBA PNG bytes (alpha = soft mask), cropped to the object.
    public var png: Data

    /// A value with every field given (drivers build these from their rows).
    public init(instanceId: Int64, categoryId: Int64, sha256: SHA256Digest, width: Int, height: Int, png: Data) {
        self.instanceId = instanceId
        self.categoryId = categoryId
        self.sha256 = sha256
        self.width = width
        self.height = height
        self.png = png
    }
}
