import Foundation

/// What a client submits to start a job (`POST /v1/jobs`).
public struct JobRequest: Sendable, Hashable {
    /// The categories to work on (at most `maximumCategories`).
    public var categories: [CategoryRequest]
    /// An installed pipeline's name, or an inline spec.
    public var pipeline: PipelineReference
    /// Per stage id, parameters laid over the pipeline's (`{"filter": {"enabled": true, "min_clip": 22}}`).
    public var overrides: [String: PipelineValue]
    /// Download missing models first (as a stage) instead of refusing the job.
    public var pullMissing: Bool

    /// Most categories one job may name.
    public static let maximumCategories = 2_000

    /// A request.
    public init(
        categories: [CategoryRequest], pipeline: PipelineReference, overrides: [String: PipelineValue] = [:],
        pullMissing: Bool = false
    ) {
        self.categories = categories
        self.pipeline = pipeline
        self.overrides = overrides
        self.pullMissing = pullMissing
    }

    /// Which pipeline a job runs.
    public enum PipelineReference: Sendable, Hashable {
        /// An installed pipeline by name.
        case named(String)
        /// A spec given in the request.
        case inline(PipelineValue)
    }

    /// Reads a request from its JSON value, naming the offending field on error.
    public static func parse(_ value: PipelineValue) throws(PipelineError) -> JobRequest {
        guard case .object(let o) = value else {
            throw .invalidRequest(field: "$", message: "expected a JSON object with categories and pipeline")
        }
        for key in o.keys.sorted() where !["categories", "pipeline", "overrides", "pull_missing"].contains(key) {
            throw .invalidRequest(field: "$.\(key)", message: "unknown field; a job has categories, pipeline, overrides, pull_missing")
        }
        var categories: [CategoryRequest] = []
        switch o["categories"] {
        case .array(let items)?:
            guard items.count <= maximumCategories else {
                throw .invalidRequest(field: "$.categories", message: "at most \(maximumCategories) categories per job, got \(items.count)")
            }
            for (i, item) in items.enumerated() {
                let field = "$.categories[\(i)]"
                switch item {
                case .string(let name):
                    categories.append(CategoryRequest(name: try checkedName(name, field: field)))
                case .object(let c):
                    for key in c.keys.sorted() where !["name", "synonyms", "def", "lvis_id"].contains(key) {
                        throw .invalidRequest(field: "\(field).\(key)", message: "unknown field; a category has name, synonyms, def, lvis_id")
                    }
                    guard let name = c["name"]?.stringValue else { throw .invalidRequest(field: "\(field).name", message: "required: a string") }
                    var request = CategoryRequest(name: try checkedName(name, field: "\(field).name"))
                    if let s = c["synonyms"] {
                        guard case .array(let list) = s, list.allSatisfy({ $0.stringValue != nil }) else {
                            throw .invalidRequest(field: "\(field).synonyms", message: "expected a list of strings")
                        }
                        request.synonyms = try list.enumerated().map { (k, v) throws(PipelineError) in
                            try checkedName(v.stringValue!, field: "\(field).synonyms[\(k)]")
                        }
                    }
                    if let d = c["def"] {
                        guard let text = d.stringValue, text.count <= 4096 else {
                            throw .invalidRequest(field: "\(field).def", message: "expected a string of at most 4096 characters")
                        }
                        request.def = text
                    }
                    if let l = c["lvis_id"] {
                        guard case .int(let id) = l, (1...1203).contains(id) else {
                            throw .invalidRequest(field: "\(field).lvis_id", message: "expected an LVIS v1 category id (1…1203)")
                        }
                        request.lvisId = id
                    }
                    categories.append(request)
                default:
                    throw .invalidRequest(field: field, message: "expected a name or an object with name, synonyms, def, lvis_id")
                }
            }
        case nil:
            break
        case let other?:
            throw .invalidRequest(field: "$.categories", message: "expected a list, got \(other.kindName)")
        }
        let pipeline: PipelineReference
        switch o["pipeline"] {
        case .string(let name)?: pipeline = .named(name)
        case .object?: pipeline = .inline(o["pipeline"]!)
        case nil: throw .invalidRequest(field: "$.pipeline", message: "required: a pipeline name (GET /v1/pipelines) or an inline spec")
        case let other?: throw .invalidRequest(field: "$.pipeline", message: "expected a name or a spec object, got \(other.kindName)")
        }
        var overrides: [String: PipelineValue] = [:]
        switch o["overrides"] {
        case .object(let m)?:
            for (key, v) in m {
                guard v.objectValue != nil else {
                    throw .invalidRequest(field: "$.overrides.\(key)", message: "expected a mapping of parameters for stage \(key)")
                }
            }
            overrides = m
        case nil, .null?: break
        case let other?: throw .invalidRequest(field: "$.overrides", message: "expected a mapping from stage id to parameters, got \(other.kindName)")
        }
        var pull = false
        if let p = o["pull_missing"] {
            guard let b = p.boolValue else { throw .invalidRequest(field: "$.pull_missing", message: "expected a boolean") }
            pull = b
        }
        return JobRequest(categories: categories, pipeline: pipeline, overrides: overrides, pullMissing: pull)
    }

    private static func checkedName(_ name: String, field: String) throws(PipelineError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 256, !trimmed.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw .invalidRequest(field: field, message: "a category name must be 1–256 characters on one line")
        }
        return trimmed
    }
}
