/// A pipeline: named, ordered stages with their parameters. Loaded from `pipelines/*.yaml` or given
/// inline in a job request; checked by `PipelineSpecParser` (JSON Schema: `schemas/pipeline.schema.json`).
public struct PipelineSpec: Sendable, Hashable, Codable {
    /// The name jobs refer to (`upload`).
    public var name: String
    /// What it does, for people.
    public var description: String
    /// The stages, run in order.
    public var stages: [StageSpec]

    /// A pipeline.
    public init(name: String, description: String = "", stages: [StageSpec]) {
        self.name = name
        self.description = description
        self.stages = stages
    }

    /// Most stages a pipeline may have.
    public static let maximumStages = 16
}
