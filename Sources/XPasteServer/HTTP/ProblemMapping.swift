import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOCore
import XPasteBank
import XPasteImage
import XPastePipeline

/// Maps every typed error of the lower layers to its HTTP status and problem document, keeping the
/// error's stable code.
public enum ProblemMapping {
    /// The problem for any error.
    public static func problem(for error: any Error) -> ProblemError {
        switch error {
        case let e as ProblemError: return e
        case let e as PipelineError: return problem(e)
        case let e as BankError: return problem(e)
        case let e as WorkQueueError: return problem(e)
        case let e as ImageError: return ProblemError(.unprocessableContent, code: e.code, detail: e.description)
        case let e as DecodingError: return ProblemError(.badRequest, code: "request.malformed_json", detail: describe(e))
        case is NIOTooManyBytesError:
            return ProblemError(.contentTooLarge, code: "request.too_large", detail: "the request body is larger than this route accepts")
        case let e as HTTPError:
            return ProblemError(e.status, code: "http.\(e.status.code)", detail: e.body ?? e.status.reasonPhrase)
        default:
            return ProblemError(.internalServerError, code: "internal", detail: "internal error: \(error)")
        }
    }

    static func problem(_ e: PipelineError) -> ProblemError {
        switch e {
        case .invalidSpec(let location, let field, _):
            var extra: [String: ProblemValue] = ["field": .string(field)]
            if let location { extra["location"] = .string(location) }
            return ProblemError(.unprocessableContent, code: e.code, detail: e.description, extra: extra)
        case .invalidRequest(let field, _):
            return ProblemError(.unprocessableContent, code: e.code, detail: e.description, extra: ["field": .string(field)])
        case .unknownPipeline, .pathNotFound, .idempotencyKeyReused:
            return ProblemError(.unprocessableContent, code: e.code, detail: e.description)
        case .stageUnavailable(let stage, _):
            return ProblemError(.unprocessableContent, code: e.code, detail: e.description, extra: ["stage": .string(stage)])
        case .missingModels(let models):
            return ProblemError(
                .unprocessableContent, code: e.code, detail: e.description,
                extra: ["missing_models": .array(models.map {
                    .object(["name": .string($0.name), "stage": .string($0.stage), "remedy": .string($0.remedy)])
                })])
        case .pathNotAllowed(_, let rule):
            return ProblemError(.forbidden, code: e.code, detail: e.description, extra: ["rule": .string(rule)])
        case .unknownJob:
            return ProblemError(.notFound, code: e.code, detail: e.description)
        case .invalidTransition(_, let from, _):
            return ProblemError(.conflict, code: e.code, detail: e.description, extra: ["state": .string(from.rawValue)])
        case .store(let b):
            return problem(b)
        case .stage:
            return ProblemError(.internalServerError, code: e.code, detail: e.description)
        }
    }

    static func problem(_ e: BankError) -> ProblemError {
        let status: HTTPResponse.Status
        switch e {
        case .unknownInstance, .unknownSource: status = .notFound
        case .invalidCursor, .invalidArgument, .invalidCategory, .invalidBlob, .invalidImport, .emptyPool: status = .unprocessableContent
        case .busy, .unavailable: status = .serviceUnavailable
        case .notABank, .notSQLite, .corrupt, .newerVersion, .notFound, .missingSourceFile, .io, .database: status = .internalServerError
        }
        return ProblemError(status, code: e.code, detail: e.description)
    }

    static func problem(_ e: WorkQueueError) -> ProblemError {
        let status: HTTPResponse.Status = switch e {
        case .invalidArgument: .unprocessableContent
        case .unavailable: .serviceUnavailable
        case .notAQueue, .io, .database: .internalServerError
        }
        return ProblemError(status, code: e.code, detail: e.description)
    }

    private static func describe(_ e: DecodingError) -> String {
        switch e {
        case .dataCorrupted(let c): "the body is not valid JSON: \(c.debugDescription)"
        case .keyNotFound(let k, _): "missing field \(k.stringValue)"
        case .typeMismatch(_, let c), .valueNotFound(_, let c):
            "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        @unknown default: "the body does not decode: \(e)"
        }
    }
}

/// The outermost middleware: whatever a route or another middleware throws leaves as
/// problem+json with a stable code (Hummingbird would send an empty 500 for unknown errors).
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// A middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = ProblemMapping.problem(for: error)
            if problem.status.code >= 500 {
                context.logger.error("request failed", metadata: ["code": "\(problem.code)", "error": "\(problem.detail)"])
            }
            return try problem.response(from: request, context: context)
        }
    }
}
