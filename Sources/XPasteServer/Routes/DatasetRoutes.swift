import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Logging
import XPasteStages
import XPasteBank
import XPastePipeline

/// `/v1/datasets…` and `/v1/export/pool.tar`: start composite jobs, list and describe datasets,
/// download one as a streamed `.tar` (exact length, read file by file: no copy in memory or on
/// disk) or file by file; export the bank as an X-Paste pool.
struct DatasetRoutes: Sendable {
    let runner: JobRunner
    let catalog: PipelineCatalog
    let datasets: URL
    let scratch: URL
    let bank: any InstanceBank
    let limits: ServerConfiguration.Limits
    let logger: Logger

    func register(on router: Router<AppRequestContext>) {
        router.post("/v1/datasets") { request, _ in try await create(request) }
        router.get("/v1/datasets") { request, _ in try await list(request) }
        router.get("/v1/datasets/:id") { _, context in try await APIJSON.response(try describe(try dataset(context))) }
        router.get("/v1/datasets/:id/archive.tar") { _, context in try await archive(try dataset(context)) }
        router.get("/v1/datasets/:id/files/**") { request, context in try await file(request, job: try dataset(context), context: context) }
        router.get("/v1/export/pool.tar") { request, _ in try await exportPool(request) }
    }

    /// The body: optional `categories` (as for a job: only their instances are pasted), and any
    /// composite parameter (`backgrounds`, `annotations`, `seed`, `images`, `max_instances`, …).
    private func create(_ request: Request) async throws -> Response {
        let key = request.headers[HTTPField.Name("Idempotency-Key")!]
        let value = try PipelineValue.json(try await APIJSON.body(request, limit: limits.jsonBodyBytes))
        guard case .object(var params) = value else {
            throw PipelineError.invalidRequest(field: "$", message: "expected a JSON object of composite parameters")
        }
        let categories = params.removeValue(forKey: "categories")
        let spec = catalog.pipelines["composite"]
            ?? PipelineSpec(name: "composite", description: "compose a dataset", stages: [StageSpec(stage: .composite)])
        guard let stageId = spec.stages.first(where: { $0.stage == .composite })?.id else {
            throw PipelineError.unknownPipeline("composite")
        }
        var body: [String: PipelineValue] = ["pipeline": .string(spec.name), "overrides": .object([stageId: .object(params)])]
        if catalog.pipelines["composite"] == nil {
            body["pipeline"] = .object(["name": .string(spec.name), "stages": .array([.object(["stage": .string("composite")])])])
        }
        if let categories { body["categories"] = categories }
        let parsed = try JobRequest.parse(.object(body))
        let runner = runner, scoped = key.map { "datasets:\($0)" }, fingerprint = SHA256Digest(hashing: value.jsonData()).hex
        let (job, created) = try await runner.submit(parsed, idempotencyKey: scoped, fingerprint: fingerprint)
        return try APIJSON.response(DatasetResource(job, files: nil), status: created ? .accepted : .ok, headers: [.location: "/v1/datasets/\(job.id)"])
    }

    struct DatasetResource: Encodable {
        var id: String
        var state: JobState
        var job: JobRecord
        var folder: String
        var archiveUrl: String
        var files: [FileResource]?
    }

    struct FileResource: Encodable {
        var path: String
        var size: Int
        var url: String
    }

    private func list(_ request: Request) async throws -> Response {
        let query = QueryReader(request)
        let limit = try query.int("limit", in: 1...limits.pageSize) ?? 50
        var out: [DatasetResource] = []
        var cursor = query.string("cursor")
        // Jobs are pages of any pipeline; keep reading until enough dataset jobs are found.
        scan: while out.count < limit {
            let page = try await runner.store.jobs(beforeId: cursor, limit: 200)
            for job in page where job.makesDataset {
                out.append(DatasetResource(job, files: nil))
                if out.count == limit { cursor = job.id; break scan }
            }
            guard page.count == 200, let last = page.last else { cursor = nil; break }
            cursor = last.id
        }
        return try APIJSON.response(DatasetsPage(datasets: out, nextCursor: out.count == limit ? cursor : nil))
    }

    struct DatasetsPage: Encodable {
        var datasets: [DatasetResource]
        var nextCursor: String?
    }

    private func dataset(_ context: AppRequestContext) async throws -> JobRecord {
        let id = try context.parameters.require("id")
        guard let job = try await runner.store.job(id), job.makesDataset else {
            throw ProblemError(.notFound, code: "dataset.not_found", detail: "no dataset with id \(id)")
        }
        return job
    }

    private func folder(of job: JobRecord) -> URL { datasets.appendingPathComponent(job.datasetName, isDirectory: true) }

    private func describe(_ job: JobRecord) throws -> DatasetResource {
        let files = try entries(of: job).map { FileResource(path: $0.path, size: $0.size, url: "/v1/datasets/\(job.id)/files/\($0.path)") }
        return DatasetResource(job, files: files)
    }

    /// The dataset's files in a stable order (annotations and manifest first, then images), hidden
    /// temporary files left out.
    private func entries(of job: JobRecord) throws -> [TarArchive.Entry] {
        let root = folder(of: job)
        guard let walker = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey], options: [.skipsHiddenFiles])
        else { return [] }
        var out: [TarArchive.Entry] = []
        let base = root.resolvingSymlinksInPath().path
        for case let url as URL in walker {
            let values = try url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey])
            guard values.isRegularFile == true else { continue }
            let path = url.resolvingSymlinksInPath().path
            guard path.hasPrefix(base + "/") else { continue }
            out.append(TarArchive.Entry(
                path: String(path.dropFirst(base.count + 1)), url: url, size: values.fileSize ?? 0,
                modified: values.contentModificationDate ?? Date(timeIntervalSince1970: 0)))
        }
        func rank(_ p: String) -> Int { p.hasPrefix("annotations/") ? 0 : p == "manifest.json" ? 1 : 2 }
        return out.sorted { (rank($0.path), $0.path) < (rank($1.path), $1.path) }
    }

    private func archive(_ job: JobRecord) throws -> Response {
        guard job.state == .succeeded else {
            throw ProblemError(.conflict, code: "dataset.not_ready", detail: "dataset \(job.id) is \(job.state.rawValue); download it once its job has succeeded",
                               extra: ["state": .string(job.state.rawValue)])
        }
        let list = try entries(of: job).map { e in TarArchive.Entry(path: "\(job.id)/\(e.path)", url: e.url, size: e.size, modified: e.modified) }
        return Self.tarResponse(list, name: "xpaste-\(job.id).tar")
    }

    /// Streams `entries` as a tar archive with its exact Content-Length.
    static func tarResponse(_ entries: [TarArchive.Entry], name: String, cleanup: (@Sendable () -> Void)? = nil) -> Response {
        let length = TarArchive.length(of: entries)
        return Response(
            status: .ok,
            headers: [.contentType: "application/x-tar", .contentDisposition: "attachment; filename=\"\(name)\""],
            body: ResponseBody(contentLength: length) { writer in
                defer { cleanup?() }
                for entry in entries {
                    try await writer.write(ByteBuffer(bytes: try TarArchive.header(for: entry)))
                    let handle = try FileHandle(forReadingFrom: entry.url)
                    defer { try? handle.close() }
                    var left = entry.size
                    while left > 0 {
                        // A file that shrank since it was listed is padded with zeros to keep the
                        // declared length; one that grew is cut at its listed size.
                        let chunk = try handle.read(upToCount: min(left, 1 << 20)) ?? Data()
                        if chunk.isEmpty {
                            try await writer.write(ByteBuffer(repeating: 0, count: left))
                            break
                        }
                        try await writer.write(ByteBuffer(bytes: chunk))
                        left -= chunk.count
                    }
                    let pad = TarArchive.padded(entry.size) - entry.size
                    if pad > 0 { try await writer.write(ByteBuffer(repeating: 0, count: pad)) }
                }
                try await writer.write(ByteBuffer(repeating: 0, count: 1024))
                try await writer.finish(nil)
            })
    }

    private func file(_ request: Request, job: JobRecord, context: AppRequestContext) async throws -> Response {
        // Clients encode `/` inside a path parameter as %2F: decode, split again, then check.
        let parts = context.parameters.getCatchAll()
            .flatMap { ($0.removingPercentEncoding ?? String($0)).split(separator: "/", omittingEmptySubsequences: false).map(String.init) }
        guard !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty || $0.hasPrefix(".") }) else {
            throw ProblemError(.notFound, code: "dataset.file_not_found", detail: "no such file in dataset \(job.id)")
        }
        let root = folder(of: job).resolvingSymlinksInPath()
        let url = parts.reduce(root) { $0.appendingPathComponent($1) }.resolvingSymlinksInPath()
        let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey, .contentModificationDateKey])
        guard url.path.hasPrefix(root.path + "/"), values?.isRegularFile == true, let size = values?.fileSize else {
            throw ProblemError(.notFound, code: "dataset.file_not_found", detail: "no file \(parts.joined(separator: "/")) in dataset \(job.id)")
        }
        let etag = "\"\(size)-\(Int((values?.contentModificationDate ?? Date()).timeIntervalSince1970 * 1000))\""
        if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: [.eTag: etag]) }
        let type: String = switch url.pathExtension.lowercased() {
        case "json": "application/json"
        case "jpg", "jpeg": "image/jpeg"
        case "png": "image/png"
        default: "application/octet-stream"
        }
        return Response(status: .ok, headers: [.contentType: type, .eTag: etag], body: ResponseBody(contentLength: size) { writer in
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            var left = size
            while left > 0, let chunk = try handle.read(upToCount: min(left, 1 << 20)), !chunk.isEmpty {
                try await writer.write(ByteBuffer(bytes: chunk))
                left -= chunk.count
            }
            if left > 0 { try await writer.write(ByteBuffer(repeating: 0, count: left)) }
            try await writer.finish(nil)
        })
    }

    /// The accepted instances (optionally of `category` ids) as an X-Paste pool, written by the
    /// bank exporter into a scratch folder that is streamed as a tar and removed afterwards.
    private func exportPool(_ request: Request) async throws -> Response {
        var filter = try QueryReader(request).instanceFilter()
        if filter.statuses == nil { filter.statuses = [.accepted] }
        let folder = scratch.appendingPathComponent("export-\(UUID().uuidString)", isDirectory: true)
        let bank = bank, logger = logger, exportFilter = filter
        _ = try await BankExporter(bank: bank, logger: logger).export(to: folder, filter: exportFilter)
        var list: [TarArchive.Entry] = []
        if let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey]) {
            let base = folder.resolvingSymlinksInPath().path
            for case let url as URL in walker {
                let v = try url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
                guard v.isRegularFile == true else { continue }
                let path = url.resolvingSymlinksInPath().path
                list.append(.init(path: "pool/" + String(path.dropFirst(base.count + 1)), url: url, size: v.fileSize ?? 0, modified: Date()))
            }
        }
        list.sort { $0.path < $1.path }
        return Self.tarResponse(list, name: "xpaste-pool.tar") { try? FileManager.default.removeItem(at: folder) }
    }
}

extension DatasetRoutes.DatasetResource {
    init(_ job: JobRecord, files: [DatasetRoutes.FileResource]?) {
        self.init(
            id: job.id, state: job.state, job: job, folder: "datasets/\(job.datasetName)", archiveUrl: "/v1/datasets/\(job.id)/archive.tar",
            files: files)
    }
}
