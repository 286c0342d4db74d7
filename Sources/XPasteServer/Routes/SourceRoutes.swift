import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import XPasteBank
import XPasteStages

/// `POST /v1/sources`: a multipart upload of images into a category. Files are streamed to a spool
/// folder (never held whole in memory), counted against the size and count limits as they arrive,
/// then each is decoded in full and recorded as a pending source; the bank deduplicates by hash.
///
/// Form fields, in order: `category` (a name or id; required unless `kind=background`), optional
/// `kind` (`uploaded`, the default, or `background` for compositing backgrounds), then any number
/// of file parts.
struct SourceRoutes: Sendable {
    let bank: any InstanceBank
    let spool: URL
    let limits: ServerConfiguration.Limits

    func register(on router: Router<AppRequestContext>) {
        router.post("/v1/sources") { request, context in try await upload(request, context: context) }
        router.get("/v1/sources/:id/image") { request, context in
            let id = try context.parameters.require("id", as: Int64.self)
            guard let source = try await bank.source(id: id) else { throw BankError.unknownSource(id) }
            guard let bytes = try await bank.sourceImage(id: id) else {
                throw ProblemError(.notFound, code: "bank.source_not_kept", detail: "the bank kept only the hash of source \(id)")
            }
            return Response(
                status: .ok, headers: [.contentType: source.mediaType ?? "application/octet-stream", .eTag: "\"\(source.sha256.hex)\""],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    struct UploadResult: Encodable {
        var category: JobCategoryResource?
        var kind: String
        var recorded: Int
        var duplicates: Int
        var refused: Int
        var sources: [SourceRecorder.Outcome]
    }

    struct JobCategoryResource: Encodable {
        var id: Int64
        var name: String
    }

    private struct Spooled {
        var url: URL
        var name: String
    }

    private func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let type = request.headers[.contentType], let boundary = MultipartReader.boundary(fromContentType: type) else {
            throw ProblemError(.unsupportedMediaType, code: "request.unsupported_media_type",
                               detail: "send images as multipart/form-data with a boundary")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limits.uploadBytes {
            throw ProblemError(.contentTooLarge, code: "upload.too_large", detail: "the upload is \(length) bytes; the limit is \(limits.uploadBytes)")
        }
        try FileManager.default.createDirectory(at: spool, withIntermediateDirectories: true)
        var reader = MultipartReader(boundary: boundary)
        var fields: [String: String] = [:]
        var files: [Spooled] = []
        var current: (handle: FileHandle, spooled: Spooled)?
        var field: (name: String, bytes: [UInt8])?
        var total = 0
        defer {
            try? current?.handle.close()
            for f in files { try? FileManager.default.removeItem(at: f.url) }
            if let c = current { try? FileManager.default.removeItem(at: c.spooled.url) }
        }
        do {
            for try await chunk in request.body {
                total += chunk.readableBytes
                guard total <= limits.uploadBytes else {
                    throw ProblemError(.contentTooLarge, code: "upload.too_large", detail: "the upload is over the \(limits.uploadBytes)-byte limit")
                }
                for event in try reader.feed(chunk.readableBytesView) {
                    switch event {
                    case .partStart(let h):
                        if let filename = h.filename {
                            guard files.count < limits.uploadFiles else {
                                throw ProblemError(.contentTooLarge, code: "upload.too_many_files", detail: "at most \(limits.uploadFiles) files per upload")
                            }
                            let url = spool.appendingPathComponent(UUID().uuidString + ".part")
                            guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = FileHandle(forWritingAtPath: url.path) else {
                                throw ProblemError(.internalServerError, code: "upload.spool_failed", detail: "cannot write to the upload folder")
                            }
                            current = (handle, Spooled(url: url, name: String(filename.prefix(255))))
                        } else {
                            field = (h.name, [])
                        }
                    case .data(let bytes):
                        if let c = current {
                            try c.handle.write(contentsOf: bytes)
                        } else if field != nil {
                            guard field!.bytes.count + bytes.count <= 4096 else {
                                throw ProblemError(.unprocessableContent, code: "upload.field_too_long", detail: "form field \(field!.name) is over 4096 bytes")
                            }
                            field!.bytes += bytes
                        }
                    case .partEnd:
                        if let c = current {
                            try c.handle.close()
                            files.append(c.spooled)
                            current = nil
                        } else if let f = field {
                            fields[f.name] = String(decoding: f.bytes, as: UTF8.self)
                            field = nil
                        }
                    }
                }
            }
        } catch let failure as MultipartReader.Failure {
            guard case .malformed(let m) = failure else { throw failure }
            throw ProblemError(.badRequest, code: "upload.malformed", detail: "malformed multipart body: \(m)")
        }
        guard reader.isFinished else {
            throw ProblemError(.badRequest, code: "upload.malformed", detail: "the multipart body ended before its closing boundary")
        }
        guard !files.isEmpty else {
            throw ProblemError(.unprocessableContent, code: "upload.no_files", detail: "the upload has no file parts", extra: ["field": .string("file")])
        }
        let kindName = fields["kind"] ?? "uploaded"
        guard let kind = SourceKind(rawValue: kindName), kind == .uploaded || kind == .background else {
            throw ProblemError(.unprocessableContent, code: "request.invalid_parameter",
                               detail: "kind: expected uploaded or background", extra: ["field": .string("kind")])
        }
        let category = try await resolveCategory(fields["category"], kind: kind)
        let recorder = SourceRecorder(bank: bank)
        let spooled = files
        var outcomes: [SourceRecorder.Outcome] = []
        for chunk in stride(from: 0, to: spooled.count, by: 16).map({ Array(spooled[$0..<min($0 + 16, spooled.count)]) }) {
            let categoryId = category?.id
            let batch = try await BlockingWork.run { () throws -> [SourceRecorder.File] in
                try chunk.map { f in .init(bytes: try Data(contentsOf: f.url), name: f.name, categoryId: categoryId, kind: kind) }
            }
            outcomes += try await recorder.record(batch)
        }
        let result = UploadResult(
            category: category.map { JobCategoryResource(id: $0.id, name: $0.name) }, kind: kind.rawValue,
            recorded: outcomes.filter { $0.sourceId != nil && $0.inserted }.count,
            duplicates: outcomes.filter { $0.sourceId != nil && !$0.inserted }.count,
            refused: outcomes.filter { $0.sourceId == nil }.count, sources: outcomes)
        if result.refused == outcomes.count {
            let first = outcomes.first
            throw ProblemError(
                .unprocessableContent, code: "upload.no_valid_image",
                detail: "no file of the upload is a usable image (first: \(first?.name ?? ""): \(first?.error ?? "refused"))",
                extra: ["sources": .array(outcomes.map {
                    .object(["name": .string($0.name), "error_code": .string($0.errorCode ?? ""), "error": .string($0.error ?? "")])
                })])
        }
        context.logger.info("upload recorded", metadata: ["recorded": "\(result.recorded)", "refused": "\(result.refused)"])
        return try APIJSON.response(result, status: .created)
    }

    private func resolveCategory(_ text: String?, kind: SourceKind) async throws -> BankCategory? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            if kind == .background { return nil }
            throw ProblemError(.unprocessableContent, code: "request.invalid_parameter",
                               detail: "name the category the images show in a form field `category` before the files",
                               extra: ["field": .string("category")])
        }
        guard text.count <= 256, !text.contains(where: \.isNewline) else {
            throw ProblemError(.unprocessableContent, code: "request.invalid_parameter", detail: "category: 1–256 characters on one line",
                               extra: ["field": .string("category")])
        }
        if let id = Int64(text) {
            guard let c = try await bank.category(id: id) else {
                throw ProblemError(.unprocessableContent, code: "bank.invalid_category", detail: "no category with id \(id)", extra: ["field": .string("category")])
            }
            return c
        }
        if let found = try await bank.category(named: text) { return found }
        return try await bank.userCategory(named: text)
    }
}
