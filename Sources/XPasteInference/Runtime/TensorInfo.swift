/// What a model says about one of its inputs or outputs: name, element type and shape, where a
/// nil dimension is dynamic (symbolic or unknown in the model).
public struct TensorInfo: Sendable, Hashable, CustomStringConvertible {
    /// The input or output name as the model declares it.
    public let name: String
    /// The element type; `.undefined` for non-tensor values (sequences, maps).
    public let elementType: TensorElementType
    /// One entry per axis: the fixed size, or nil when dynamic.
    public let shape: [Int?]

    /// Creates a description (sessions build these from the model).
    public init(name: String, elementType: TensorElementType, shape: [Int?]) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
    }

    /// Number of axes.
    public var rank: Int { shape.count }

    /// True when `shape` fits this description: same rank and equal sizes on every fixed axis.
    public func accepts(shape other: [Int]) -> Bool {
        other.count == shape.count && zip(shape, other).allSatisfy { $0 == nil || $0 == $1 }
    }

    /// `name: type[d0, d1, …]` with `?` for dynamic axes.
    public var description: String {
        "\(name): \(elementType)[\(shape.map { $0.map(String.init) ?? "?" }.joined(separator: ", "))]"
    }
}
