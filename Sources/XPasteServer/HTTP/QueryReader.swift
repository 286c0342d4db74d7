import HTTPTypes
import Hummingbird
import NIOCore
import XPasteBank

/// Typed reading of query parameters: a value that does not parse is a 422 naming the parameter,
/// never silently ignored.
public struct QueryReader: Sendable {
    let parameters: Parameters

    /// A reader over a request's query.
    public init(_ request: Request) {
        self.parameters = request.uri.queryParameters
    }

    /// A string value.
    public func string(_ name: String) -> String? {
        parameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Comma-separated values (also repeated parameters).
    public func list(_ name: String) -> [String]? {
        let all = parameters.getAll(name).flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            .filter { !$0.isEmpty }
        return all.isEmpty ? nil : all
    }

    /// An integer in `range`.
    public func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else { throw bad(name, "an integer in \(range.lowerBound)…\(range.upperBound)", text) }
        return value
    }

    /// A finite number.
    public func double(_ name: String) throws -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = Double(text), value.isFinite else { throw bad(name, "a finite number", text) }
        return value
    }

    /// Values of a string enum.
    public func enums<E: RawRepresentable & CaseIterable>(_ name: String, _ type: E.Type) throws -> [E]? where E.RawValue == String {
        guard let items = list(name) else { return nil }
        return try items.map { item in
            guard let value = E(rawValue: item) else {
                throw bad(name, "one of \(E.allCases.map(\.rawValue).joined(separator: ", "))", item)
            }
            return value
        }
    }

    /// A closed range from `min_NAME` and `max_NAME` (either may be missing).
    public func range(_ name: String) throws -> ClosedRange<Double>? {
        let lo = try double("min_\(name)"), hi = try double("max_\(name)")
        guard lo != nil || hi != nil else { return nil }
        let lower = lo ?? -Double.greatestFiniteMagnitude, upper = hi ?? Double.greatestFiniteMagnitude
        guard lower <= upper else {
            throw ProblemError(.unprocessableContent, code: "request.invalid_parameter",
                               detail: "min_\(name) (\(lower)) is above max_\(name) (\(upper))", extra: ["field": .string("min_\(name)")])
        }
        return lower...upper
    }

    /// The instance filter the bank browser's query describes.
    public func instanceFilter() throws -> InstanceFilter {
        var filter = InstanceFilter()
        if let ids = list("category") {
            filter.categoryIds = try ids.map { text in
                guard let id = Int64(text) else { throw bad("category", "category ids", text) }
                return id
            }
        }
        filter.categoryNamePrefix = string("q")
        filter.sourceKinds = try enums("kind", SourceKind.self)
        filter.statuses = try enums("status", InstanceStatus.self)
        filter.clipScore = try range("score")
        filter.areaRatio = try range("area")
        filter.segmenters = list("segmenter")
        filter.jobId = string("job")
        if let s = string("source") {
            guard let id = Int64(s) else { throw bad("source", "a source id", s) }
            filter.sourceId = id
        }
        return filter
    }

    private func bad(_ name: String, _ expected: String, _ got: String) -> ProblemError {
        ProblemError(.unprocessableContent, code: "request.invalid_parameter",
                     detail: "query parameter \(name): expected \(expected), got \"\(got.prefix(100))\"", extra: ["field": .string(name)])
    }
}
