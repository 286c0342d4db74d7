import XPasteStages

/// A stage with its parameters decoded into the stage's own type: what the runner executes.
public enum StagePlan: Sendable, Hashable {
    /// Record a server-side folder's images as sources.
    case ingest(IngestParameters)
    /// Crawl web images of each category.
    case crawl(CrawlParameters)
    /// Draw images of each category with Stable Diffusion.
    case generate(GenerateParameters)
    /// Cut objects out of pending sources.
    case extract(ExtractParameters)
    /// Keep the cutouts CLIP agrees with.
    case filter(FilterParameters)
    /// Write a dataset.
    case composite(CompositeStageParameters)

    /// The stage kind.
    public var kind: StageKind {
        switch self {
        case .ingest: .ingest
        case .crawl: .crawl
        case .generate: .generate
        case .extract: .extract
        case .filter: .filter
        case .composite: .composite
        }
    }

    /// The parameters as a mapping (what a job document records).
    public var parameters: PipelineValue {
        switch self {
        case .ingest(let p): p.value
        case .crawl(let p): p.value
        case .generate(let p): p.value
        case .extract(let p): p.value
        case .filter(let p): p.value
        case .composite(let p): p.value
        }
    }

    /// Decodes `parameters` for a stage; a stage this build does not have is `stageUnavailable`.
    public static func make(_ kind: StageKind, parameters: PipelineValue?, path: String) throws(PipelineError) -> StagePlan {
        switch kind {
        case .ingest: return .ingest(try IngestParameters.decode(parameters, at: path))
        case .extract: return .extract(try ExtractParameters.decode(parameters, at: path))
        case .filter: return .filter(try FilterParameters.decode(parameters, at: path))
        case .composite: return .composite(try CompositeStageParameters.decode(parameters, at: path))
        case .crawl: return .crawl(try CrawlParameters.decode(parameters, at: path))
        case .models:
            throw .invalidRequest(field: path, message: "the models stage is added by the service for pull_missing, not named in pipelines")
        case .generate: return .generate(try GenerateParameters.decode(parameters, at: path))
        }
    }
}
