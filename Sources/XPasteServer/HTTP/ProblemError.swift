import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error as an RFC 9457 problem+json response: `type`, `title`, `status`, `detail`, plus our
/// stable `code` and any extra members (the field at fault, the missing models, …).
public struct ProblemError: HTTPResponseError, Sendable {
    /// HTTP status.
    public var status: HTTPResponse.Status
    /// Stable machine-readable code (`job.not_found`).
    public var code: String
    /// What went wrong, for people.
    public var detail: String
    /// Extra members.
    public var extra: [String: ProblemValue]
    /// Headers to add (`WWW-Authenticate`, `Allow`).
    public var headers: HTTPFields

    /// A problem.
    public init(_ status: HTTPResponse.Status, code: String, detail: String, extra: [String: ProblemValue] = [:], headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.detail = detail
        self.extra = extra
        self.headers = headers
    }

    /// The problem's JSON body.
    public var body: Data {
        var members: [String: ProblemValue] = extra
        members["type"] = .string("https://xpaste.dev/problems/\(code)")
        members["title"] = .string(status.reasonPhrase)
        members["status"] = .int(status.code)
        members["detail"] = .string(detail)
        members["code"] = .string(code)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(members)) ?? Data("{\"code\":\"\(code)\"}".utf8)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// A JSON value inside a problem document.
public enum ProblemValue: Sendable, Encodable {
    /// Text.
    case string(String)
    /// A whole number.
    case int(Int)
    /// A list.
    case array([ProblemValue])
    /// An object.
    case object([String: ProblemValue])

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}
