import Foundation
import Logging
import XPasteBank
import XPasteInference

/// Turns a job request into a job record, refusing at once what would fail later: an unknown
/// pipeline or stage id, a stage this build lacks, a bad parameter, a path outside the allowed
/// roots, a missing model (unless `pull_missing`). Only when everything checks out are the
/// categories resolved in the bank (new names become user categories).
public struct JobPlanner: Sendable {
    /// The installed pipelines.
    public let catalog: PipelineCatalog
    /// Where models are looked for.
    public let models: ModelsDirectory
    /// Which server-side paths requests may name.
    public let paths: PathPolicy
    /// The bank categories live in.
    public let bank: any InstanceBank
    /// The models `pull_missing` may download.
    public let modelCatalog: [String: ModelCatalog.Entry]
    /// Stages that run on workers: their models are the workers' to have, so this server does
    /// not check for them (a worker without them fails the item, which another worker retries).
    public let workerStages: Set<StageKind>

    /// A planner.
    public init(
        catalog: PipelineCatalog, models: ModelsDirectory, paths: PathPolicy, bank: any InstanceBank,
        modelCatalog: [String: ModelCatalog.Entry] = ModelCatalog.entries, workerStages: Set<StageKind> = []
    ) {
        self.catalog = catalog
        self.models = models
        self.paths = paths
        self.bank = bank
        self.modelCatalog = modelCatalog
        self.workerStages = workerStages
    }

    /// The stages of `spec` with `overrides` applied: enabled flags and typed parameters (the
    /// parameters of a disabled stage are checked only when it is one this build has).
    public func plan(
        _ spec: PipelineSpec, overrides: [String: PipelineValue]
    ) throws(PipelineError) -> [(status: StageStatus, plan: StagePlan?)] {
        let ids = Set(spec.stages.map(\.id))
        for key in overrides.keys.sorted() where !ids.contains(key) {
            throw .invalidRequest(
                field: "$.overrides.\(key)",
                message: "pipeline \(spec.name) has no stage with id \"\(key)\"; its stages: \(spec.stages.map(\.id).joined(separator: ", "))")
        }
        var out: [(StageStatus, StagePlan?)] = []
        for stage in spec.stages {
            var given = stage.with
            var enabled = stage.enabled
            if case .object(var o)? = overrides[stage.id] {
                if let e = o.removeValue(forKey: "enabled") {
                    guard let b = e.boolValue else {
                        throw .invalidRequest(field: "$.overrides.\(stage.id).enabled", message: "expected a boolean")
                    }
                    enabled = b
                }
                given = PipelineValue.object(given).merging(.object(o)).objectValue ?? given
            }
            let field = overrides[stage.id] == nil ? "stages.\(stage.id).with" : "$.overrides.\(stage.id)"
            if enabled {
                let plan = try StagePlan.make(stage.stage, parameters: .object(given), path: field)
                try checkPaths(plan, field: field)
                out.append((StageStatus(id: stage.id, stage: stage.stage, parameters: plan.parameters, enabled: true), plan))
            } else {
                // A switched-off stage shows what it would run with, when its parameters check out.
                let shown = (try? StagePlan.make(stage.stage, parameters: .object(given), path: field))?.parameters ?? .object(given)
                out.append((StageStatus(id: stage.id, stage: stage.stage, parameters: shown, enabled: false), nil))
            }
        }
        return out
    }

    /// A job record for `request`, planned, checked, with its categories resolved in the bank.
    public func job(for request: JobRequest, idempotencyKey: String?, now: Date = Date()) async throws(PipelineError) -> JobRecord {
        let spec: PipelineSpec
        switch request.pipeline {
        case .named(let name): spec = try catalog.spec(named: name)
        case .inline(let value): spec = try PipelineSpecParser.parse(value)
        }
        let stages = try plan(spec, overrides: request.overrides)
        let enabled = stages.compactMap { s in s.plan.map { (id: s.status.id, plan: $0) } }
        guard !enabled.isEmpty else { throw .invalidRequest(field: "$.overrides", message: "every stage of the pipeline is switched off") }
        let local = enabled.filter { !workerStages.contains($0.plan.kind) }
        let missing = ModelRequirements.missing(ModelRequirements.requirements(local), in: models, catalog: modelCatalog)
        if !missing.isEmpty {
            guard request.pullMissing else { throw .missingModels(missing) }
            let unknown = missing.filter { modelCatalog[$0.name] == nil }
            if !unknown.isEmpty { throw .missingModels(unknown) }
        }
        let needsCategories = enabled.contains { $0.plan.kind != .composite }
        if needsCategories && request.categories.isEmpty {
            throw .invalidRequest(field: "$.categories", message: "name at least one category for pipeline \(spec.name)")
        }
        var statuses = stages.map(\.status)
        if request.pullMissing && !missing.isEmpty {
            statuses.insert(
                StageStatus(
                    id: "models", stage: .models,
                    parameters: .object(["pull": .array(missing.map { .string($0.name) })]), enabled: true),
                at: 0)
        }
        let categories = try await resolve(request.categories)
        return JobRecord(
            id: Self.newId(now: now), pipeline: spec.name, spec: spec, categories: categories, overrides: request.overrides,
            state: .queued, stages: statuses, error: nil, attempt: 1, idempotencyKey: idempotencyKey, createdAt: now,
            updatedAt: now, startedAt: nil, finishedAt: nil)
    }

    private func checkPaths(_ plan: StagePlan, field: String) throws(PipelineError) {
        switch plan {
        case .ingest(let p):
            if let folder = p.folder { _ = try paths.resolve(folder, field: "\(field).folder") }
        case .composite(let p):
            if let b = p.backgrounds { _ = try paths.resolve(b, field: "\(field).backgrounds") }
            if let a = p.annotations { _ = try paths.resolve(a, field: "\(field).annotations") }
            if let s = p.sizePrior { _ = try paths.resolve(s, field: "\(field).size_prior") }
        case .crawl(let p):
            if let u = p.urls { _ = try paths.resolve(u, field: "\(field).urls") }
            if let f = p.folder { _ = try paths.resolve(f, field: "\(field).folder") }
        case .generate(let p):
            if p.model.hasPrefix("/") { _ = try paths.resolve(p.model, field: "\(field).model") }
        case .extract, .filter:
            break
        }
    }

    /// Finds or creates each category: an LVIS id links to that LVIS category (recorded on the spot
    /// only while the bank holds no LVIS vocabulary; with one loaded, an id it lacks or a name that
    /// is not the id's is refused); a name finds the bank's category by name, normalised name or
    /// synonym, or becomes a user category. Every check runs before anything is written, and the
    /// writes are one transaction, so a refused request changes nothing.
    private func resolve(_ requests: [CategoryRequest]) async throws(PipelineError) -> [JobCategory] {
        enum Step { case existing(BankCategory), lvis(BankCategory), user(CategoryRequest) }
        var steps: [Step] = []
        do {
            let hasVocabulary = try await bank.categories().contains { !$0.isUserDefined && $0.synset != nil }
            var claimed: [Int64: String] = [:]
            for (k, r) in requests.enumerated() {
                if let lvis = r.lvisId {
                    if let existing = try await bank.category(id: lvis) {
                        let names = Set(([existing.name] + existing.synonyms).map(BankCategory.normalizedName))
                        guard names.contains(BankCategory.normalizedName(r.name)) else {
                            throw PipelineError.invalidRequest(
                                field: "$.categories[\(k)].name",
                                message: "LVIS category \(lvis) is \"\(existing.name)\", not \"\(r.name)\"")
                        }
                        steps.append(.existing(existing))
                    } else {
                        guard !hasVocabulary else {
                            throw PipelineError.invalidRequest(field: "$.categories[\(k)].lvis_id", message: "the bank's LVIS vocabulary has no category \(lvis)")
                        }
                        let name = BankCategory.normalizedName(r.name)
                        if let other = claimed[lvis], other != name {
                            throw PipelineError.invalidRequest(field: "$.categories[\(k)].lvis_id", message: "LVIS id \(lvis) is given to both \(other) and \(name)")
                        }
                        if let taken = try await bank.category(named: name), taken.id != lvis {
                            throw PipelineError.invalidRequest(field: "$.categories[\(k)].name", message: "\(name) is already category \(taken.id)")
                        }
                        claimed[lvis] = name
                        steps.append(.lvis(BankCategory(id: lvis, name: name, synonyms: r.synonyms ?? [], definition: r.def)))
                    }
                } else if let existing = try await bank.category(named: r.name) {
                    steps.append(.existing(existing))
                } else {
                    steps.append(.user(r))
                }
            }
            let planned = steps
            let made = try await bank.write { writer -> [BankCategory] in
                var out: [BankCategory] = []
                for step in planned {
                    switch step {
                    case .existing(let c):
                        out.append(c)
                    case .lvis(let c):
                        try writer.upsertCategories([c])
                        out.append(c)
                    case .user(let r):
                        var c = try writer.userCategory(named: r.name)
                        if r.synonyms != nil || r.def != nil {
                            c.synonyms = r.synonyms ?? c.synonyms
                            c.definition = r.def ?? c.definition
                            try writer.upsertCategories([c])
                        }
                        out.append(c)
                    }
                }
                return out
            }
            var seen = Set<Int64>()
            return made.filter { seen.insert($0.id).inserted }.map { JobCategory(id: $0.id, name: $0.name) }
        } catch let error as PipelineError {
            throw error
        } catch let error as BankError {
            throw .store(error)
        } catch {
            throw .store(.database("\(error)"))
        }
    }

    /// A new job id: time-ordered (milliseconds, hex) with 48 random bits.
    static func newId(now: Date) -> String {
        let ms = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        return "j" + String(ms, radix: 16) + String(format: "%012llx", UInt64.random(in: 0..<(1 << 48)))
    }
}
