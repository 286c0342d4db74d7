import Foundation
import XPasteStages

/// A stage's parameter type: `Codable` with every default set by `init()` and every check in
/// `problem()`, so pipeline files, job overrides and CLI flags share one definition. Keys are the
/// snake_case forms of the property names.
public protocol StageParameters: Codable, Sendable, Hashable {
    /// The defaults.
    init()
    /// The first problem with the values (`"batch_size: must be …"`), or nil.
    func problem() -> String?
    /// Keys of optional properties whose default is nil: they are absent from the encoded
    /// defaults, yet may be set.
    static var optionalKeys: Set<String> { get }
}

extension StageParameters {
    public static var optionalKeys: Set<String> { [] }

    /// Decodes parameters from a mapping laid over the defaults, naming the offending key (under
    /// `path`) for an unknown key, a value of the wrong type or a value out of range.
    public static func decode(_ value: PipelineValue?, at path: String) throws(PipelineError) -> Self {
        let given: [String: PipelineValue]
        switch value {
        case nil, .null?: given = [:]
        case .object(let o)?: given = o
        case let other?: throw .invalidRequest(field: path, message: "expected a mapping of parameters, got \(other.kindName)")
        }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let defaults: [String: PipelineValue]
        do {
            defaults = try PipelineValue.json(encoder.encode(Self())).objectValue ?? [:]
        } catch {
            throw .invalidRequest(field: path, message: "internal: defaults do not encode: \(error)")
        }
        let known = Set(defaults.keys).union(optionalKeys)
        for key in given.keys.sorted() where !known.contains(key) {
            throw .invalidRequest(
                field: "\(path).\(key)", message: "unknown parameter; known: \(known.sorted().joined(separator: ", "))")
        }
        var merged = defaults
        for (key, v) in given { merged[key] = v }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let decoded: Self
        do {
            decoded = try decoder.decode(Self.self, from: PipelineValue.object(merged).jsonData())
        } catch let error as DecodingError {
            throw Self.describe(error, path: path)
        } catch {
            throw .invalidRequest(field: path, message: "\(error)")
        }
        if let problem = decoded.problem() {
            // Problems name their key first ("batch_size: …"): point the field at it.
            let key = problem.prefix { $0 != ":" }
            let field = known.contains(String(key)) ? "\(path).\(key)" : path
            throw .invalidRequest(field: field, message: String(problem.drop { $0 != ":" }.dropFirst().drop { $0 == " " }))
        }
        return decoded
    }

    /// The defaults as a mapping (what a pipeline document shows).
    public static var defaultsValue: PipelineValue {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return (try? PipelineValue.json(encoder.encode(Self()))) ?? .object([:])
    }

    /// These parameters as a mapping with snake_case keys.
    public var value: PipelineValue {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return (try? PipelineValue.json(encoder.encode(self))) ?? .object([:])
    }

    private static func describe(_ error: DecodingError, path: String) -> PipelineError {
        func field(_ codingPath: [any CodingKey]) -> String {
            codingPath.reduce(path) { partial, key in
                if let i = key.intValue { return "\(partial)[\(i)]" }
                return "\(partial).\(snake(key.stringValue))"
            }
        }
        switch error {
        case .typeMismatch(let type, let context):
            return .invalidRequest(field: field(context.codingPath), message: "expected \(typeName(type))")
        case .valueNotFound(let type, let context):
            return .invalidRequest(field: field(context.codingPath), message: "expected \(typeName(type)), got null")
        case .keyNotFound(let key, let context):
            return .invalidRequest(field: field(context.codingPath + [key]), message: "missing")
        case .dataCorrupted(let context):
            return .invalidRequest(field: field(context.codingPath), message: context.debugDescription)
        @unknown default:
            return .invalidRequest(field: path, message: "\(error)")
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is UInt64.Type, is UInt8.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is String.Type: "a string"
        default: "\(type)".contains("Array") ? "a list" : "a value of type \(type)"
        }
    }

    /// camelCase → snake_case, as the encoder writes keys.
    private static func snake(_ key: String) -> String {
        var out = ""
        for ch in key {
            if ch.isUppercase {
                if !out.isEmpty { out.append("_") }
                out.append(contentsOf: ch.lowercased())
            } else {
                out.append(ch)
            }
        }
        return out
    }
}

extension ExtractParameters: StageParameters {
    public static var optionalKeys: Set<String> { ["clip"] }
}

extension FilterParameters: StageParameters {}
