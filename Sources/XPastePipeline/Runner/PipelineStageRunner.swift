import Foundation
import XPasteStages

/// One stage kind as the job runner executes it. Every stage, built in or added later (crawl,
/// generate), plugs in through this protocol: it receives its typed plan, reports progress after
/// every batch, and stops at a batch boundary when `shouldContinue` says no (throwing
/// `StageError.stopped` wrapped as `.stage(code: "stage.stopped", …)`).
public protocol PipelineStageRunner: Sendable {
    /// The stage kind it runs.
    var kind: StageKind { get }

    /// Runs the stage of `job` described by `plan`; returns a one-line summary.
    func run(_ plan: StagePlan?, status: StageStatus, job: JobRecord, context: StageRunContext) async throws(PipelineError) -> String
}

/// What a running stage gets besides its plan.
public struct StageRunContext: Sendable {
    /// The shared environment.
    public let environment: PipelineEnvironment
    /// Receives progress reports.
    public let progress: StageProgress.Handler
    /// Asked at batch boundaries.
    public let shouldContinue: StageProgress.Continuation

    /// A context.
    public init(environment: PipelineEnvironment, progress: @escaping StageProgress.Handler, shouldContinue: @escaping StageProgress.Continuation) {
        self.environment = environment
        self.progress = progress
        self.shouldContinue = shouldContinue
    }
}

extension PipelineError {
    /// Whether this is a stage stopping at a boundary on request (not a failure).
    public var isStop: Bool {
        if case .stage(let code, _) = self { return code == StageError.stopped.code }
        return false
    }
}
