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
        let defaults = defaultsValue.objectValue ?? [:]
        let known = Set(defaults.keys).union(optionalKeys)
        for key in given.keys.sorted() {
            guard known.contains(key) else {
                throw .invalidRequest(field: "\(path).\(key)", message: "unknown parameter; known: \(known.sorted().joined(separator: ", "))")
            }
            // null unsets an optional parameter; a parameter with a default cannot be null.
            if given[key] == .null, !optionalKeys.contains(key) {
                throw .invalidRequest(field: "\(path).\(key)", message: "must not be null (leave it out for the default)")
            }
            // Past 2^53 a JSON number is no longer exact: a seed of 2^64 − 1 would silently round.
            if case .double(let d)? = given[key], abs(d) >= 9_007_199_254_740_992 {
                throw .invalidRequest(field: "\(path).\(key)", message: "too large to be exact; integers go up to 9223372036854775807")
            }
        }
        let decoded: Self
        do {
            decoded = try merged(defaults, given)
        } catch {
            guard case .invalidRequest(let field, let message) = error else { throw error }
            // The decoder names the key when it can ("".seed → path.seed); otherwise find the key
            // that fails on its own.
            if !field.isEmpty { throw .invalidRequest(field: path + field, message: message) }
            _ = message
            throw .invalidRequest(
                field: culprit(given, defaults: defaults, path: path) ?? path,
                message: "not a valid value for this parameter (a wrong type, or out of the type's range)")
        }
        if let problem = decoded.problem() {
            // Problems name their key first ("batch_size: …"); otherwise find the key that is at fault alone.
            let key = String(problem.prefix { $0 != ":" })
            if known.contains(key) {
                throw .invalidRequest(field: "\(path).\(key)", message: String(problem.drop { $0 != ":" }.dropFirst().drop { $0 == " " }))
            }
            throw .invalidRequest(field: culprit(given, defaults: defaults, path: path) ?? path, message: problem)
        }
        return decoded
    }

    /// `given` laid over `defaults` and decoded (nulls of optional keys unset them).
    private static func merged(_ defaults: [String: PipelineValue], _ given: [String: PipelineValue]) throws(PipelineError) -> Self {
        var merged = defaults
        for (key, v) in given {
            if v == .null { merged.removeValue(forKey: key) } else { merged[key] = v }
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(Self.self, from: PipelineValue.object(merged).jsonData())
        } catch let error as DecodingError {
            throw Self.describe(error, path: "")
        } catch {
            throw .invalidRequest(field: "", message: "\(error)")
        }
    }

    /// The first given key (in key order) that fails to decode or check when it is the only one
    /// given: the field a combined failure is about, when the failure itself does not say.
    private static func culprit(_ given: [String: PipelineValue], defaults: [String: PipelineValue], path: String) -> String? {
        for key in given.keys.sorted() {
            let alone: Self
            do {
                alone = try merged(defaults, [key: given[key]!])
            } catch {
                return "\(path).\(key)"
            }
            if alone.problem() != nil { return "\(path).\(key)" }
        }
        return nil
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

extension GenerateParameters: StageParameters {}
