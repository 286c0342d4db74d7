import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging

/// Downloads a catalogue model into the models folder: each file streamed to `<file>.partial`,
/// resumed with an HTTP range request after an interruption, checked against its pinned SHA-256
/// (or recorded when none is pinned), then moved into place; the manifest is written last, so a
/// folder with a manifest is a complete model.
public struct ModelDownloader: Sendable {
    /// Where models go.
    public let directory: ModelsDirectory

    /// A downloader into `directory`.
    public init(directory: ModelsDirectory) {
        self.directory = directory
    }

    /// Progress of one file: its path, bytes so far, total when known.
    public typealias Progress = @Sendable (_ path: String, _ received: Int64, _ total: Int64?) -> Void

    /// Pulls `entry`, skipping files already present with the right checksum, and returns the
    /// manifest written.
    public func pull(
        _ entry: ModelCatalog.Entry, logger: Logger, progress: @escaping Progress = { _, _, _ in }
    ) async throws(InferenceError) -> ModelManifest {
        var manifest = entry.manifest
        let folder = directory.folder(of: manifest.name)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .invalidResource("cannot create \(folder.path): \(error)")
        }
        for (index, file) in manifest.files.enumerated() {
            guard let urlString = file.url, let url = URL(string: urlString) else {
                throw .invalidResource("\(manifest.name)/\(file.path) has no download URL")
            }
            let destination = folder.appendingPathComponent(file.path)
            if FileManager.default.fileExists(atPath: destination.path) {
                let digest = try ModelChecksum.sha256Hex(ofFile: destination.path)
                if file.sha256 == nil || file.sha256 == digest {
                    logger.info("already present", metadata: ["file": "\(file.path)", "sha256": "\(digest)"])
                    manifest.files[index].sha256 = digest
                    manifest.files[index].bytes = Self.size(of: destination.path)
                    continue
                }
                logger.warning("checksum differs, downloading again", metadata: ["file": "\(file.path)"])
                try? FileManager.default.removeItem(at: destination)
            }
            // Multi-folder models (Stable Diffusion's unet/, tokenizer/, …) need their subfolder first.
            try? FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            let partial = destination.appendingPathExtension("partial")
            try await FileFetch(url: url, partial: partial, label: file.path, progress: progress).run(logger: logger)
            let digest = try ModelChecksum.sha256Hex(ofFile: partial.path)
            let size = Self.size(of: partial.path)
            if let expected = file.sha256, expected != digest {
                try? FileManager.default.removeItem(at: partial)
                throw .invalidResource("\(urlString) has sha256 \(digest), expected \(expected); the partial file was removed")
            }
            if let expected = file.bytes, expected != size {
                try? FileManager.default.removeItem(at: partial)
                throw .invalidResource("\(urlString) has \(size) bytes, expected \(expected)")
            }
            do {
                try FileManager.default.moveItem(at: partial, to: destination)
            } catch {
                throw .invalidResource("cannot move \(partial.path) into place: \(error)")
            }
            manifest.files[index].sha256 = digest
            manifest.files[index].bytes = size
            logger.info("downloaded", metadata: ["file": "\(file.path)", "bytes": "\(size)", "sha256": "\(digest)"])
        }
        try directory.write(manifest)
        return manifest
    }

    static func size(of path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// What to do with a response to a request that asked to resume at `offset`.
    enum ResumeDecision: Equatable {
        /// 206 from `offset`: append.
        case append
        /// 200: the server ignored the range; start the file again.
        case restart
        /// 416 with a partial file: the partial file is already whole.
        case complete
        /// Any other status: fail.
        case fail(Int)
    }

    static func decide(status: Int, offset: Int64, contentRange: String?) -> ResumeDecision {
        switch status {
        case 206:
            // "bytes START-END/TOTAL": only append when the server resumed where we asked.
            if let range = contentRange, let start = range.split(separator: " ").last?.split(separator: "-").first,
               Int64(start) == offset {
                return .append
            }
            return .restart
        case 200: return .restart
        case 416 where offset > 0: return .complete
        default: return .fail(status)
        }
    }
}

/// One HTTP download into a `.partial` file, resuming from its current size.
private final class FileFetch: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // @unchecked: the delegate callbacks run one at a time on the session's serial delegate queue,
    // which is the only place the mutable state is touched after `run` starts the task.
    let url: URL
    let partial: URL
    let label: String
    let progress: ModelDownloader.Progress
    private var handle: FileHandle?
    private var received: Int64 = 0
    private var total: Int64?
    private var failure: InferenceError?
    private var continuation: CheckedContinuation<Void, Never>?
    private var lastReport = Date.distantPast

    init(url: URL, partial: URL, label: String, progress: @escaping ModelDownloader.Progress) {
        self.url = url
        self.partial = partial
        self.label = label
        self.progress = progress
    }

    func run(logger: Logger) async throws(InferenceError) {
        let offset = ModelDownloader.size(of: partial.path)
        var request = URLRequest(url: url)
        request.setValue("xpaste-models-pull", forHTTPHeaderField: "User-Agent")
        if offset > 0 {
            request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range")
            logger.info("resuming", metadata: ["file": "\(label)", "from": "\(offset)"])
        }
        received = offset
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: .default, delegate: self, delegateQueue: queue)
        let task = session.dataTask(with: request)
        await withCheckedContinuation { continuation in
            queue.addOperation {
                self.continuation = continuation
                task.resume()
            }
        }
        session.finishTasksAndInvalidate()
        if let failure { throw failure }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void
    ) {
        let http = response as? HTTPURLResponse
        let status = http?.statusCode ?? 200
        let decision = ModelDownloader.decide(
            status: status, offset: received, contentRange: http?.value(forHTTPHeaderField: "Content-Range"))
        switch decision {
        case .append, .restart:
            if decision == .restart { received = 0 }
            if !FileManager.default.fileExists(atPath: partial.path) || decision == .restart {
                _ = FileManager.default.createFile(atPath: partial.path, contents: nil)
            }
            handle = FileHandle(forWritingAtPath: partial.path)
            if decision == .append { _ = try? handle?.seekToEnd() }
            let expected = response.expectedContentLength
            total = expected > 0 ? received + expected : nil
            completionHandler(handle == nil ? .cancel : .allow)
            if handle == nil { failure = .invalidResource("cannot write \(partial.path)") }
        case .complete:
            completionHandler(.cancel)
        case .fail(let code):
            failure = .invalidResource("\(url.absoluteString) answered HTTP \(code)")
            completionHandler(.cancel)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        do {
            try handle?.write(contentsOf: data)
        } catch {
            failure = .invalidResource("writing \(partial.path): \(error)")
            dataTask.cancel()
            return
        }
        received += Int64(data.count)
        if Date().timeIntervalSince(lastReport) > 0.5 {
            lastReport = Date()
            progress(label, received, total)
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        try? handle?.close()
        handle = nil
        if let error, failure == nil, (error as? URLError)?.code != .cancelled {
            failure = .invalidResource("downloading \(url.absoluteString): \(error.localizedDescription) (run pull again to resume)")
        }
        progress(label, received, total)
        continuation?.resume()
        continuation = nil
    }
}
