import HTTPTypes
import Hummingbird
import NIOCore

/// Bearer-token checks. Mutating requests (anything but GET, HEAD and OPTIONS) always need the
/// token; with `protectReads` (the operator set `--token`) every route does, except `/healthz`.
/// A browser's `EventSource` cannot send headers, so GET requests may carry the token as
/// `?access_token=`. Tokens are compared in constant time.
public struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The token.
    public let token: String
    /// Whether reads need it too.
    public let protectReads: Bool

    /// A middleware for `token`.
    public init(token: String, protectReads: Bool) {
        self.token = token
        self.protectReads = protectReads
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let isRead = [.get, .head, .options].contains(request.method)
        if request.uri.path == "/healthz" || (isRead && !protectReads) {
            return try await next(request, context)
        }
        var given: String?
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            given = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        } else if isRead, let q = request.uri.queryParameters.get("access_token") {
            given = q
        }
        guard let given else {
            throw ProblemError(
                .unauthorized, code: "auth.missing_token",
                detail: isRead ? "this server needs a bearer token on every request" : "changes need the server's bearer token (Authorization: Bearer …)",
                headers: [.wwwAuthenticate: "Bearer realm=\"xpaste\""])
        }
        guard Self.constantTimeEqual(given, token) else {
            throw ProblemError(.unauthorized, code: "auth.invalid_token", detail: "the bearer token is not this server's",
                               headers: [.wwwAuthenticate: "Bearer realm=\"xpaste\", error=\"invalid_token\""])
        }
        return try await next(request, context)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(truncatingIfNeeded: x.count ^ y.count)
        for i in 0..<max(x.count, y.count) {
            diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return diff == 0
    }
}
