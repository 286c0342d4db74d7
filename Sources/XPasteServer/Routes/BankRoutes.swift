import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import XPasteBank
import XPasteImage
import XPasteStages

/// `/v1/categories`, `/v1/instances…`, `/v1/stats`, `/v1/histograms`: browsing and curating the
/// bank. Image responses carry their content hash as a strong ETag and are cached for good (a
/// blob's bytes never change under its hash).
struct BankRoutes: Sendable {
    let bank: any InstanceBank
    let limits: ServerConfiguration.Limits
    let names: CategoryNames

    init(bank: any InstanceBank, limits: ServerConfiguration.Limits) {
        self.bank = bank
        self.limits = limits
        self.names = CategoryNames(bank: bank)
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("/v1/categories") { request, _ in try await categories(request) }
        router.get("/v1/instances") { request, _ in try await browse(request) }
        router.post("/v1/instances/bulk") { request, _ in try await bulk(request) }
        router.get("/v1/instances/:id") { _, context in
            let i = try await instance(context)
            var r = try await resource(i)
            r.provenance = try await bank.source(id: i.sourceId)?.provenance
            return try APIJSON.response(r)
        }
        router.patch("/v1/instances/:id") { request, context in try await patch(request, context: context) }
        router.get("/v1/instances/:id/cutout.png") { request, context in
            let i = try await instance(context)
            return try await image(request, sha: i.cutoutSHA256, type: "image/png")
        }
        router.get("/v1/instances/:id/thumbnail.png") { request, context in
            let i = try await instance(context)
            return try await image(request, sha: i.thumbnailSHA256 ?? i.cutoutSHA256, type: "image/png")
        }
        router.get("/v1/instances/:id/source") { request, context in try await source(request, instance: try await instance(context)) }
        router.get("/v1/instances/:id/mask.png") { request, context in try await mask(request, instance: try await instance(context)) }
        router.get("/v1/stats") { _, _ in try APIJSON.response(StatsResource(try await bank.stats())) }
        router.get("/v1/histograms") { request, _ in try await histograms(request) }
    }

    // MARK: Categories and instances

    struct CategoryResource: Encodable {
        var id: Int64
        var name: String
        var synonyms: [String]
        var definition: String?
        var frequency: String?
        var isLvis: Bool
        var pending: Int
        var accepted: Int
        var rejected: Int
        var total: Int
    }

    private func categories(_ request: Request) async throws -> Response {
        let query = QueryReader(request)
        let needle = query.string("q")?.lowercased()
        let onlyWithInstances = query.string("with_instances") == "true"
        var counts: [Int64: CategoryCounts] = [:]
        for c in try await bank.categoryCounts() { counts[c.categoryId] = c }
        var out: [CategoryResource] = []
        for c in try await bank.categories() {
            if let needle, !([c.name] + c.synonyms).contains(where: { $0.lowercased().replacingOccurrences(of: "_", with: " ").contains(needle.replacingOccurrences(of: "_", with: " ")) }) {
                continue
            }
            let n = counts[c.id] ?? CategoryCounts(categoryId: c.id, name: c.name)
            if onlyWithInstances && n.total == 0 { continue }
            out.append(CategoryResource(
                id: c.id, name: c.name, synonyms: c.synonyms, definition: c.definition, frequency: c.frequency?.rawValue,
                isLvis: !c.isUserDefined, pending: n.pending, accepted: n.accepted, rejected: n.rejected, total: n.total))
        }
        return try APIJSON.response(["categories": out])
    }

    struct PageResource: Encodable {
        var instances: [InstanceResource]
        var nextCursor: String?
    }

    private func browse(_ request: Request) async throws -> Response {
        let query = QueryReader(request)
        let filter = try query.instanceFilter()
        let limit = try query.int("limit", in: 1...limits.pageSize) ?? 100
        var order = InstanceOrder.newest
        if let sort = query.string("sort") {
            guard let key = InstanceOrder.Key(rawValue: sort) else {
                throw ProblemError(.unprocessableContent, code: "request.invalid_parameter",
                                   detail: "sort: expected one of score, date, area", extra: ["field": .string("sort")])
            }
            order = InstanceOrder(key, descending: query.string("order") != "asc")
        }
        let page = try await bank.browse(InstanceQuery(filter: filter, order: order, limit: limit, cursor: query.string("cursor")))
        let body = InstanceResource.pageJSON(try await resources(page.instances), nextCursor: page.nextCursor)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    private func instance(_ context: AppRequestContext) async throws -> BankInstance {
        let id = try context.parameters.require("id", as: Int64.self)
        guard let i = try await bank.instance(id: id) else { throw BankError.unknownInstance(id) }
        return i
    }

    private func resource(_ i: BankInstance) async throws -> InstanceResource {
        InstanceResource(i, categoryName: try await names.names(of: [i.categoryId])[i.categoryId])
    }

    private func resources(_ list: [BankInstance]) async throws -> [InstanceResource] {
        let known = try await names.names(of: list.map(\.categoryId))
        return list.map { InstanceResource($0, categoryName: known[$0.categoryId]) }
    }

    struct StatusChange: Decodable {
        var status: InstanceStatus
        var reason: String?
    }

    private func patch(_ request: Request, context: AppRequestContext) async throws -> Response {
        let i = try await instance(context)
        let change = try JSONDecoder().decode(StatusChange.self, from: try await APIJSON.body(request, limit: limits.jsonBodyBytes))
        let decider: Decider? = change.status == .pending ? nil : .person
        _ = try await bank.setStatus(change.status, reason: change.reason, decidedBy: decider, for: .ids([i.id]))
        return try APIJSON.response(try await resource(try await bank.instance(id: i.id) ?? i))
    }

    /// A bulk change: `{"action": "accept" | "reject" | "pending" | "delete", "ids": [...]}` or with
    /// `"filter": {…}` (the browse query's fields) instead of ids.
    struct BulkRequest: Decodable {
        var action: String
        var ids: [Int64]?
        var filter: BulkFilter?
        var reason: String?
    }

    struct BulkFilter: Decodable {
        var category: [Int64]?
        var q: String?
        var kind: [SourceKind]?
        var status: [InstanceStatus]?
        var minScore: Double?
        var maxScore: Double?
        var minArea: Double?
        var maxArea: Double?
        var segmenter: [String]?
        var job: String?
        var source: Int64?

        enum CodingKeys: String, CodingKey {
            case category, q, kind, status, segmenter, job, source
            case minScore = "min_score", maxScore = "max_score", minArea = "min_area", maxArea = "max_area"
        }

        func instanceFilter() throws -> InstanceFilter {
            func range(_ lo: Double?, _ hi: Double?, _ name: String) throws -> ClosedRange<Double>? {
                guard lo != nil || hi != nil else { return nil }
                let l = lo ?? -Double.greatestFiniteMagnitude, h = hi ?? Double.greatestFiniteMagnitude
                guard l.isFinite, h.isFinite, l <= h else {
                    throw ProblemError(.unprocessableContent, code: "request.invalid_parameter",
                                       detail: "filter: min_\(name) must be ≤ max_\(name), both finite", extra: ["field": .string("filter.min_\(name)")])
                }
                return l...h
            }
            return InstanceFilter(
                categoryIds: category, categoryNamePrefix: q, sourceKinds: kind, statuses: status,
                clipScore: try range(minScore, maxScore, "score"), areaRatio: try range(minArea, maxArea, "area"),
                segmenters: segmenter, jobId: job, sourceId: source)
        }
    }

    struct BulkResult: Encodable {
        var action: String
        var changed: Int
        var blobsDeleted: Int?
    }

    private func bulk(_ request: Request) async throws -> Response {
        let body = try JSONDecoder().decode(BulkRequest.self, from: try await APIJSON.body(request, limit: limits.jsonBodyBytes))
        let selection: InstanceSelection
        switch (body.ids, body.filter) {
        case (let ids?, nil):
            guard ids.count <= limits.bulkIds else {
                throw ProblemError(.contentTooLarge, code: "request.too_many_ids", detail: "at most \(limits.bulkIds) ids per bulk change")
            }
            selection = .ids(ids)
        case (nil, let filter?):
            selection = .filter(try filter.instanceFilter())
        default:
            throw ProblemError(.unprocessableContent, code: "request.invalid_parameter",
                               detail: "give exactly one of ids and filter", extra: ["field": .string("ids")])
        }
        let bank = bank, reason = body.reason
        switch body.action {
        case "accept", "reject", "pending":
            let status: InstanceStatus = body.action == "accept" ? .accepted : body.action == "reject" ? .rejected : .pending
            let changed = try await bank.setStatus(status, reason: reason, decidedBy: status == .pending ? nil : .person, for: selection)
            return try APIJSON.response(BulkResult(action: body.action, changed: changed))
        case "delete":
            let summary = try await bank.deleteInstances(selection)
            return try APIJSON.response(BulkResult(action: "delete", changed: summary.instances, blobsDeleted: summary.blobs))
        default:
            throw ProblemError(.unprocessableContent, code: "request.invalid_parameter",
                               detail: "action: expected accept, reject, pending or delete", extra: ["field": .string("action")])
        }
    }

    // MARK: Images

    private func image(_ request: Request, sha: SHA256Digest, type: String) async throws -> Response {
        let etag = "\"\(sha.hex)\""
        var headers: HTTPFields = [.eTag: etag, .cacheControl: "public, max-age=31536000, immutable", .contentType: type]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag }) {
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        guard let bytes = try await bank.blob(sha) else {
            throw ProblemError(.notFound, code: "bank.blob_missing", detail: "the bank has no blob \(sha.hex)")
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private func source(_ request: Request, instance i: BankInstance) async throws -> Response {
        guard let s = try await bank.source(id: i.sourceId) else { throw BankError.unknownSource(i.sourceId) }
        let etag = "\"\(s.sha256.hex)\""
        if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: [.eTag: etag]) }
        guard let bytes = try await bank.sourceImage(id: s.id) else {
            throw ProblemError(.notFound, code: "bank.source_not_kept", detail: "the bank kept only the hash of source \(s.id), not its bytes")
        }
        return Response(
            status: .ok,
            headers: [.contentType: s.mediaType ?? "application/octet-stream", .eTag: etag, .cacheControl: "public, max-age=31536000, immutable"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The instance's mask as an 8-bit grey PNG the size of its source image (the cutout's alpha
    /// placed at its box), or the size of the cutout when the box or source size is unknown.
    private func mask(_ request: Request, instance i: BankInstance) async throws -> Response {
        let etag = "\"mask-\(i.cutoutSHA256.hex)\""
        if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: [.eTag: etag]) }
        let bank = bank
        let cutout = try await bank.cutout(of: i.id), source = try await bank.source(id: i.sourceId)
        let png = try await BlockingWork.run { () throws -> [UInt8] in
            let image = try ImageCodec.decode([UInt8](cutout.png))
            let alpha = image.alphaChannel() ?? Mask(width: image.width, height: image.height, value: 255)
            guard let box = i.box, let source, source.width > 0, source.height > 0 else {
                return try ImageCodec.encodePNG(alpha)
            }
            var full = Mask(width: source.width, height: source.height)
            for y in 0..<min(alpha.height, box.height) where box.y + y >= 0 && box.y + y < source.height {
                for x in 0..<min(alpha.width, box.width) where box.x + x >= 0 && box.x + x < source.width {
                    full.values[(box.y + y) * source.width + box.x + x] = alpha.values[y * alpha.width + x]
                }
            }
            return try ImageCodec.encodePNG(full)
        }
        return Response(
            status: .ok, headers: [.contentType: "image/png", .eTag: etag, .cacheControl: "public, max-age=31536000, immutable"],
            body: .init(byteBuffer: ByteBuffer(bytes: png)))
    }

    // MARK: Statistics

    struct StatsResource: Encodable {
        var schemaVersion: Int
        var categories: Int
        var categoriesWithAccepted: Int
        var sources: Int
        var sourcesByKind: [String: Int]
        var instances: Int
        var instancesByStatus: [String: Int]
        var blobs: Int
        var blobBytes: Int64
        var fileBytes: Int64

        init(_ s: BankStats) {
            schemaVersion = s.schemaVersion
            categories = s.categories
            categoriesWithAccepted = s.categoriesWithAccepted
            sources = s.sources
            sourcesByKind = Dictionary(uniqueKeysWithValues: SourceKind.allCases.map { ($0.rawValue, s.sourcesByKind[$0] ?? 0) })
            instances = s.instances
            instancesByStatus = Dictionary(uniqueKeysWithValues: InstanceStatus.allCases.map { ($0.rawValue, s.instancesByStatus[$0] ?? 0) })
            blobs = s.blobs
            blobBytes = s.blobBytes
            fileBytes = s.fileBytes
        }
    }

    struct HistogramResource: Encodable {
        var categoryId: Int64
        var categoryName: String?
        var lower: Double
        var upper: Double
        var counts: [Int]
        var unscored: Int
    }

    private func histograms(_ request: Request) async throws -> Response {
        let query = QueryReader(request)
        let filter = try query.instanceFilter()
        let bins = try query.int("bins", in: 1...200) ?? 40
        let lower = try query.double("lower") ?? 0, upper = try query.double("upper") ?? 40
        guard lower < upper else {
            throw ProblemError(.unprocessableContent, code: "request.invalid_parameter", detail: "lower must be below upper", extra: ["field": .string("lower")])
        }
        let list = try await bank.scoreHistograms(filter, bins: bins, range: lower...upper)
        var out: [HistogramResource] = []
        for h in list {
            out.append(HistogramResource(
                categoryId: h.categoryId, categoryName: try await bank.category(id: h.categoryId)?.name, lower: h.lower, upper: h.upper,
                counts: h.counts, unscored: h.unscored))
        }
        return try APIJSON.response(["histograms": out])
    }
}
