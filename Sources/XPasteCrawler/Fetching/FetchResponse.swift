/// A completed HTTP exchange (any status, after retries).
public struct FetchResponse: Sendable {
    /// The URL asked for.
    public var url: String
    /// The URL of the last hop.
    public var effectiveURL: String
    /// Status of the last response.
    public var status: Int
    /// `Content-Type` of the last response, lowercased without parameters.
    public var contentType: String?
    /// Every `X-Robots-Tag` header value of the last response.
    public var xRobotsTags: [String]
    /// The body (at most the cap).
    public var body: [UInt8]
    /// Attempts made (1 without retries).
    public var attempts: Int
    /// Redirects followed in the last attempt.
    public var redirects: Int
    /// The address connected to last.
    public var remoteAddress: String?
}
