import Foundation
import Yams

/// Turns a pipeline file (YAML) or an inline spec (JSON) into a `PipelineSpec`, checking every
/// field against `schemas/pipeline.schema.json`'s rules and every stage's parameters against its
/// parameter type. Errors name the field's path and, for YAML, the file and line.
public enum PipelineSpecParser {
    /// Parses YAML text; `origin` names the file in errors.
    public static func parse(yaml text: String, origin: String) throws(PipelineError) -> PipelineSpec {
        guard text.utf8.count <= 1 << 20 else {
            throw .invalidSpec(location: origin, field: "$", message: "pipeline files are limited to 1 MiB")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw .invalidSpec(location: origin + Self.line(of: error), field: "$", message: "not valid YAML: \(Self.problem(of: error))")
        } catch {
            throw .invalidSpec(location: origin, field: "$", message: "not valid YAML: \(error)")
        }
        guard let node else { throw .invalidSpec(location: origin, field: "$", message: "the file is empty") }
        var lines: [String: Int] = [:]
        let value = try convert(node, path: "$", lines: &lines, origin: origin, depth: 0)
        do {
            return try parse(value)
        } catch {
            // Point at the deepest line we know for the failing path (or its closest parent).
            guard case .invalidSpec(_, let field, let message) = error else { throw error }
            var probe = field
            while lines[probe] == nil, let cut = probe.lastIndex(where: { $0 == "." || $0 == "[" }) { probe = String(probe[..<cut]) }
            throw .invalidSpec(location: "\(origin)\(lines[probe].map { ":\($0)" } ?? "")", field: field, message: message)
        }
    }

    /// Checks a spec given as a value (an inline spec in a job request).
    public static func parse(_ value: PipelineValue) throws(PipelineError) -> PipelineSpec {
        func bad(_ field: String, _ message: String) -> PipelineError { .invalidSpec(location: nil, field: field, message: message) }
        guard case .object(let top) = value else { throw bad("$", "expected a mapping with name, description and stages") }
        for key in top.keys.sorted() where !["name", "description", "stages"].contains(key) {
            throw bad("$.\(key)", "unknown field; a pipeline has name, description and stages")
        }
        guard let name = top["name"]?.stringValue else { throw bad("$.name", "required: a string") }
        guard isName(name) else { throw bad("$.name", "must be 1–64 lowercase letters, digits, '_' or '-'") }
        var description = ""
        if let d = top["description"] {
            guard let s = d.stringValue else { throw bad("$.description", "expected a string, got \(d.kindName)") }
            description = s
        }
        guard case .array(let items)? = top["stages"] else { throw bad("$.stages", "required: a list of stages") }
        guard !items.isEmpty else { throw bad("$.stages", "a pipeline needs at least one stage") }
        guard items.count <= PipelineSpec.maximumStages else {
            throw bad("$.stages", "at most \(PipelineSpec.maximumStages) stages")
        }
        var stages: [StageSpec] = []
        var ids = Set<String>()
        for (i, item) in items.enumerated() {
            let path = "$.stages[\(i)]"
            guard case .object(let fields) = item else { throw bad(path, "expected a mapping with stage, id, enabled, with") }
            for key in fields.keys.sorted() where !["id", "stage", "enabled", "with"].contains(key) {
                throw bad("\(path).\(key)", "unknown field; a stage has stage, id, enabled and with")
            }
            guard let kindName = fields["stage"]?.stringValue else { throw bad("\(path).stage", "required: the stage's name") }
            guard let kind = StageKind(rawValue: kindName) else {
                throw bad("\(path).stage", "unknown stage \"\(kindName)\"; stages: \(StageKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var id = kind.rawValue
            if let v = fields["id"] {
                guard let s = v.stringValue, isName(s) else { throw bad("\(path).id", "must be 1–64 lowercase letters, digits, '_' or '-'") }
                id = s
            }
            guard ids.insert(id).inserted else { throw bad("\(path).id", "stage id \"\(id)\" is used twice; give one an id") }
            var enabled = true
            if let v = fields["enabled"] {
                guard let b = v.boolValue else { throw bad("\(path).enabled", "expected a boolean, got \(v.kindName)") }
                enabled = b
            }
            var with: [String: PipelineValue] = [:]
            if let v = fields["with"], v != .null {
                guard let o = v.objectValue else { throw bad("\(path).with", "expected a mapping of parameters, got \(v.kindName)") }
                with = o
            }
            // Parameters are checked now, so a bad value fails when the file is loaded, not when a
            // job reaches the stage.
            do {
                _ = try StagePlan.make(kind, parameters: .object(with), path: "\(path).with")
            } catch {
                if case .invalidRequest(let field, let message) = error { throw bad(field, message) }
                if case .stageUnavailable = error {} else { throw error }
            }
            stages.append(StageSpec(id: id, stage: kind, enabled: enabled, with: with))
        }
        return PipelineSpec(name: name, description: description, stages: stages)
    }

    /// A pipeline or stage name.
    static func isName(_ s: String) -> Bool {
        (1...64).contains(s.count) && s.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    private static func convert(
        _ node: Node, path: String, lines: inout [String: Int], origin: String, depth: Int
    ) throws(PipelineError) -> PipelineValue {
        let line = node.mark?.line
        if let line { lines[path] = line }
        func bad(_ message: String) -> PipelineError {
            .invalidSpec(location: "\(origin)\(line.map { ":\($0)" } ?? "")", field: path, message: message)
        }
        guard depth < 32 else { throw bad("nested too deeply (a pipeline needs a handful of levels)") }
        switch node {
        case .alias:
            throw bad("YAML aliases are not allowed in pipeline files")
        case .scalar(let scalar):
            if scalar.style == .plain || scalar.style == .any {
                if node.null != nil { return .null }
                if let b = node.bool { return .bool(b) }
                if let i = node.int { return .int(Int64(i)) }
                if let d = node.float {
                    guard d.isFinite else { throw bad("numbers must be finite") }
                    return .double(d)
                }
            }
            return .string(scalar.string)
        case .sequence(let sequence):
            var out: [PipelineValue] = []
            for (i, item) in sequence.enumerated() {
                out.append(try convert(item, path: "\(path)[\(i)]", lines: &lines, origin: origin, depth: depth + 1))
            }
            return .array(out)
        case .mapping(let mapping):
            var out: [String: PipelineValue] = [:]
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let key) = keyNode else { throw bad("mapping keys must be plain strings") }
                let childPath = "\(path).\(key.string)"
                guard out[key.string] == nil else {
                    throw PipelineError.invalidSpec(
                        location: "\(origin)\(keyNode.mark.map { ":\($0.line)" } ?? "")", field: childPath, message: "key given twice")
                }
                if let l = keyNode.mark?.line { lines[childPath] = l }
                out[key.string] = try convert(valueNode, path: childPath, lines: &lines, origin: origin, depth: depth + 1)
            }
            return .object(out)
        }
    }

    private static func line(of error: YamlError) -> String {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): ":\(mark.line)"
        default: ""
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: "\(error)"
        }
    }
}
