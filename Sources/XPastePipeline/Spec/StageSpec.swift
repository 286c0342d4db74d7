/// One stage of a pipeline as a file or request writes it: which stage, under what id (the key
/// overrides use), whether it runs, and its parameters as given (typed when a job is planned).
public struct StageSpec: Sendable, Hashable, Codable {
    /// Unique within the pipeline; defaults to the stage kind's name.
    public var id: String
    /// Which stage.
    public var stage: StageKind
    /// Whether the stage runs (a job can switch an optional stage on with an override).
    public var enabled: Bool
    /// Parameters over the stage's defaults.
    public var with: [String: PipelineValue]

    /// A stage.
    public init(id: String? = nil, stage: StageKind, enabled: Bool = true, with: [String: PipelineValue] = [:]) {
        self.id = id ?? stage.rawValue
        self.stage = stage
        self.enabled = enabled
        self.with = with
    }
}
