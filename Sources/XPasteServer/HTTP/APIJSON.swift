import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// How the API writes and reads JSON: snake_case keys, ISO 8601 dates.
public enum APIJSON {
    /// The response encoder.
    public static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// A JSON response.
    public static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// The request body as bytes, refusing more than `limit` with a 413 and a body that is not
    /// declared as JSON with a 415.
    public static func body(_ request: Request, limit: Int) async throws -> Data {
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw ProblemError(.unsupportedMediaType, code: "request.unsupported_media_type", detail: "send the body as application/json, got \(type)")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw ProblemError(.contentTooLarge, code: "request.too_large", detail: "the body is \(length) bytes; this route takes at most \(limit)")
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw ProblemError(.contentTooLarge, code: "request.too_large", detail: "the body is over \(limit) bytes, the most this route takes")
        }
    }
}
