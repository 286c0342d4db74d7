import Foundation
import XPasteStages

/// Turns a stage's progress reports into the numbers a job shows: items/s since the stage started,
/// an ETA at that rate, and the most frequent errors.
public struct ProgressTracker: Sendable {
    /// When the stage started (this run).
    public let started: Date
    /// Items already done when it started (a resumed stage does not count them in its rate).
    public let baseline: Int

    /// A tracker from now.
    public init(started: Date = Date(), baseline: Int = 0) {
        self.started = started
        self.baseline = baseline
    }

    /// `status` updated with a report taken at `now`.
    public func apply(_ report: StageProgress, to status: StageStatus, now: Date = Date()) -> StageStatus {
        var s = status
        s.total = report.total
        s.done = report.done
        s.failed = report.failed
        s.detail = report.detail
        let elapsed = now.timeIntervalSince(started)
        let doneHere = max(0, report.done - baseline)
        s.itemsPerSecond = elapsed > 0 ? Double(doneHere) / elapsed : 0
        s.etaSeconds = s.itemsPerSecond > 0 ? Double(max(0, report.total - report.done)) / s.itemsPerSecond : nil
        s.errors = report.errorCounts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(5)
            .map { StageStatus.ErrorCount(code: $0.key, count: $0.value) }
        return s
    }
}
