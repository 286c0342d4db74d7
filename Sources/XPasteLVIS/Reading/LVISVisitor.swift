/// Receives the elements of an LVIS file one by one as `LVISReader` decodes them, in file order.
///
/// Every method has an empty default, so a visitor implements only what it needs. Errors thrown
/// here stop the read and reach the caller unchanged.
public protocol LVISVisitor {
    /// The `info` object.
    mutating func visit(info: LVISInfo) throws
    /// `licenses[index]`.
    mutating func visit(license: LVISLicense, index: Int) throws
    /// `images[index]`.
    mutating func visit(image: LVISImage, index: Int) throws
    /// `annotations[index]`.
    mutating func visit(annotation: LVISAnnotation, index: Int) throws
    /// `categories[index]`.
    mutating func visit(category: LVISCategory, index: Int) throws
}

extension LVISVisitor {
    /// Ignores `info`.
    public mutating func visit(info: LVISInfo) throws {}
    /// Ignores licenses.
    public mutating func visit(license: LVISLicense, index: Int) throws {}
    /// Ignores images.
    public mutating func visit(image: LVISImage, index: Int) throws {}
    /// Ignores annotations.
    public mutating func visit(annotation: LVISAnnotation, index: Int) throws {}
    /// Ignores categories.
    public mutating func visit(category: LVISCategory, index: Int) throws {}
}
