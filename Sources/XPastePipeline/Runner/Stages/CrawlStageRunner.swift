import Foundation
import XPasteCrawler
import XPasteStages

/// Runs `crawl`: gathers web images of the job's categories into the bank as `crawled` sources.
/// The address ranges the guard opens come from the operator (this runner's `allowedAddresses`,
/// by default `$XPASTE_CRAWL_ALLOW_ADDRESS`, comma-separated CIDRs), never from a job.
public struct CrawlStageRunner: PipelineStageRunner {
    public var kind: StageKind { .crawl }
    /// Ranges the address guard opens.
    public let allowedAddresses: [AddressRange]

    /// A runner opening `allowedAddresses` (nil: from `$XPASTE_CRAWL_ALLOW_ADDRESS`).
    public init(allowedAddresses: [AddressRange]? = nil) {
        if let allowedAddresses {
            self.allowedAddresses = allowedAddresses
        } else {
            let env = ProcessInfo.processInfo.environment["XPASTE_CRAWL_ALLOW_ADDRESS"] ?? ""
            self.allowedAddresses = env.split(separator: ",").compactMap { try? AddressRange(cidr: $0.trimmingCharacters(in: .whitespaces)) }
        }
    }

    public func run(_ plan: StagePlan?, status: StageStatus, job: JobRecord, context: StageRunContext) async throws(PipelineError) -> String {
        guard case .crawl(let p)? = plan else { throw .stage(code: "stage.invalid_argument", message: "crawl stage without its plan") }
        let env = context.environment
        let urlsFile = try p.urls.map { path throws(PipelineError) in try env.paths.resolve(path, field: "stages.\(status.id).with.urls") }
        let folder = try p.folder.map { path throws(PipelineError) in try env.paths.resolve(path, field: "stages.\(status.id).with.folder") }
        var categories: [(id: Int64, name: String, synonyms: [String])] = []
        for c in job.categories {
            categories.append((c.id, c.name, (try? await env.bank.category(id: c.id))??.synonyms ?? []))
        }
        let fetcher: HTTPFetcher
        let source: any ImageSource
        do throws(CrawlError) {
            fetcher = try HTTPFetcher(configuration: p.fetcherConfiguration(allowedAddresses: allowedAddresses))
            source = try p.imageSource(fetcher: fetcher, urlsFile: urlsFile, folderURL: folder)
        } catch {
            throw .stage(code: error.code, message: error.description)
        }
        defer { fetcher.close() }
        let crawler = Crawler(
            fetcher: fetcher, validation: p.validationOptions(limits: env.decodeLimits), respectRobots: p.respectRobots,
            refusedDirectives: p.respectXRobotsTag ? XRobotsTag.refusedDirectives : [])
        let stage = CrawlStage(bank: env.bank, crawler: crawler, logger: env.logger)
        do throws(StageError) {
            let s = try await stage.run(
                CrawlStage.Options(
                    categories: categories, source: source, count: p.count, batchSize: p.batchSize, window: p.concurrency * 2,
                    nearDuplicateDistance: p.nearDuplicateBits, jobId: job.id),
                progress: context.progress, shouldContinue: context.shouldContinue)
            let top = s.failures.sorted { $0.value > $1.value }.prefix(3).map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return "\(s.stored) stored, \(s.duplicates) duplicates, \(s.skipped) already stored, \(s.failed) failed\(top.isEmpty ? "" : " (\(top))")"
        } catch {
            throw .from(error)
        }
    }
}
