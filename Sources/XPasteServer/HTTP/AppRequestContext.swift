import Hummingbird
import Logging

/// The request context of every route: Hummingbird's core storage plus the upload limit (JSON
/// bodies are decoded with `maxUploadSize`, raised for nothing: uploads stream).
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    /// JSON bodies are small; uploads never go through the decoder.
    public var maxUploadSize: Int { 1 << 20 }
}
