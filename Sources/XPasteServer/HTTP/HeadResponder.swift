import HTTPTypes
import Hummingbird

/// Answers HEAD on every GET route (RFC 9110 §9.3.2): the request runs as a GET and the response
/// keeps its status and headers (Content-Length, ETag, Content-Type) without the body. It wraps
/// the router's responder rather than being a router middleware, because the router picks the
/// route by method before any middleware runs.
struct HeadResponder<Base: HTTPResponder>: HTTPResponder {
    typealias Context = Base.Context
    let base: Base

    func respond(to request: Request, context: Context) async throws -> Response {
        guard request.method == .head else { return try await base.respond(to: request, context: context) }
        var head = request.head
        head.method = .get
        var response = try await base.respond(to: Request(head: head, body: request.body), context: context)
        // A body that declares the GET's length and writes nothing: the HTTP/1 encoder knows the
        // request was HEAD and sends no body.
        response.body = ResponseBody(contentLength: response.body.contentLength) { writer in try await writer.finish(nil) }
        return response
    }
}
