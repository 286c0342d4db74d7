import Foundation
import Logging
import XPasteBank

/// A stage as workers run it: one claimed item at a time. The handler does the item's work and
/// returns what the queue stores as its result; the worker commits that with the item's done mark.
public protocol WorkItemHandler: Sendable {
    /// The stage kind it takes (`probe`, …).
    var stage: String { get }

    /// Does `item`'s work. Throwing `WorkItemFailure` says whether a retry may help; anything
    /// else thrown is retried while attempts remain.
    func perform(_ item: WorkItem, logger: Logger) async throws -> Data?
}

/// A failed item, and whether another attempt could succeed.
public struct WorkItemFailure: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// False when the payload itself is bad, so retrying is pointless.
    public var retryable: Bool

    /// A failure.
    public init(_ message: String, retryable: Bool) {
        self.message = message
        self.retryable = retryable
    }

    /// The message.
    public var description: String { message }
}
