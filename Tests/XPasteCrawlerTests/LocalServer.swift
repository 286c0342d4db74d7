import Foundation
import XPasteTestSupport

/// The test HTTP server (`Reference/crawl_server.py`, standard library Python) on a loopback
/// address and a free port, with its connection/request log.
final class LocalServer: @unchecked Sendable {
    let host: String
    let port: Int
    let logURL: URL
    private let pid: pid_t

    /// Starts a server bound to `host` (127.0.0.1 or ::1).
    init(host: String = "127.0.0.1") throws {
        self.host = host
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xpaste-crawl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        logURL = dir.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let script = SharedData.repositoryRoot.appendingPathComponent("Tests/XPasteCrawlerTests/Reference/crawl_server.py")
        let args = ["/usr/bin/python3", script.path, "--host", host, "--port", "0",
                    "--images", SharedData.directory.appendingPathComponent("images").path, "--log", logURL.path]
        // posix_spawn rather than Foundation's Process: Process cannot spawn under valgrind (it
        // closes valgrind's own descriptors), and the fetcher tests also run under valgrind.
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw CocoaError(.fileWriteUnknown) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        var child: pid_t = 0
        let rc = posix_spawn(&child, args[0], &actions, nil, &argv, environ)
        for a in argv { free(a) }
        posix_spawn_file_actions_destroy(&actions)
        close(fds[1])
        guard rc == 0 else { close(fds[0]); throw CocoaError(.executableLoad) }
        pid = child
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(fds[0], &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        close(fds[0])
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let p = Int(text.dropFirst(5)) else {
            kill(child, SIGKILL)
            var status: Int32 = 0
            waitpid(child, &status, 0)
            throw CocoaError(.fileReadCorruptFile)
        }
        port = p
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// `http://host:port` + path.
    func url(_ path: String) -> String {
        "http://\(host.contains(":") ? "[\(host)]" : host):\(port)\(path)"
    }

    /// The log lines so far, without their timestamps.
    var log: [String] { timedLog.map(\.line) }

    /// The log lines with their times.
    var timedLog: [(time: Double, line: String)] {
        // An empty file is not read: Foundation's read of a zero-length file leaks its 4 KiB
        // buffer, which valgrind (scripts/valgrind-crawler) would report against these tests.
        let size = (try? FileManager.default.attributesOfItem(atPath: logURL.path)[.size] as? Int) ?? 0
        guard size > 0 else { return [] }
        let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { l in
            let parts = l.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let t = Double(parts[0]) else { return nil }
            return (t, String(parts[1]))
        }
    }

    /// Requests seen for a path prefix.
    func requests(_ prefix: String) -> [String] { log.filter { $0.hasPrefix("GET \(prefix)") } }

    /// Connections accepted.
    var connections: Int { log.filter { $0.hasPrefix("CONNECT") }.count }
}
