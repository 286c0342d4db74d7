import Foundation

/// A request waiting in, or moving through, the fetcher: its continuation and retry state.
final class FetchJob: @unchecked Sendable {
    let id: UInt64
    let url: String
    let host: String
    let imageOnly: Bool
    let continuation: CheckedContinuation<Result<FetchResponse, CrawlError>, Never>
    var attempts = 0
    var notBefore: ContinuousClock.Instant

    init(id: UInt64, url: String, host: String, imageOnly: Bool, continuation: CheckedContinuation<Result<FetchResponse, CrawlError>, Never>) {
        self.id = id
        self.url = url
        self.host = host
        self.imageOnly = imageOnly
        self.continuation = continuation
        self.notBefore = .now
    }
}
