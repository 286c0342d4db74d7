import Foundation

/// A JSON-shaped value: what a pipeline file's YAML and a job request's JSON both reduce to, so one
/// validation path serves both (and a parameter means the same in each).
public enum PipelineValue: Sendable, Hashable, Codable {
    /// `null` / `~`.
    case null
    /// `true` / `false`.
    case bool(Bool)
    /// A whole number.
    case int(Int64)
    /// A number with a fraction or exponent.
    case double(Double)
    /// Text.
    case string(String)
    /// A list.
    case array([PipelineValue])
    /// A mapping with string keys.
    case object([String: PipelineValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int64.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([PipelineValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: PipelineValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// The mapping, when this is one.
    public var objectValue: [String: PipelineValue]? {
        if case .object(let o) = self { o } else { nil }
    }

    /// The text, when this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { s } else { nil }
    }

    /// The flag, when this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let b) = self { b } else { nil }
    }

    /// What kind of value this is, for error messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "an integer"
        case .double: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "a mapping"
        }
    }

    /// `other`'s keys laid over this mapping's, recursively for nested mappings; anything else is
    /// replaced.
    public func merging(_ other: PipelineValue) -> PipelineValue {
        guard case .object(var base) = self, case .object(let top) = other else { return other }
        for (key, value) in top { base[key] = base[key].map { $0.merging(value) } ?? value }
        return .object(base)
    }

    /// Parses JSON bytes (any JSON value at the top).
    public static func json(_ data: Data) throws -> PipelineValue {
        try JSONDecoder().decode(PipelineValue.self, from: data)
    }

    /// JSON bytes with sorted keys (stable, for hashing and storage).
    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a value tree of plain JSON cases cannot fail except on non-finite doubles, which
        // neither JSON nor YAML parsing produces; `null` is the honest fallback.
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }
}
