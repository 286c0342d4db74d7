/// The ingest stage's parameters: which server-side folder to record as sources (images uploaded
/// through `POST /v1/sources` are recorded at upload time and need no ingest).
public struct IngestParameters: StageParameters {
    /// A folder on the server, inside a root the operator allows (`--allow-path`); nil ingests
    /// nothing (uploads only).
    public var folder: String? = nil
    /// Descend into sub-folders.
    public var recursive: Bool = true
    /// Most files one ingest records (a guard against naming `/` by mistake).
    public var maxFiles: Int = 100_000
    /// Files per bank transaction.
    public var batchSize: Int = 32

    /// No folder: uploads only.
    public init() {}

    public static var optionalKeys: Set<String> { ["folder"] }

    public func problem() -> String? {
        if let folder, folder.isEmpty { return "folder: must not be empty" }
        if !(1...10_000_000).contains(maxFiles) { return "max_files: must be in 1…10000000" }
        if !(1...1024).contains(batchSize) { return "batch_size: must be in 1…1024" }
        return nil
    }
}
