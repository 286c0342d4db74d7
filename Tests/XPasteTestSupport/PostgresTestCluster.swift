import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, a server on a free
/// loopback port, removed when the test process exits (a watchdog process removes it even when the
/// tests are killed). Runs from Debian's `postgresql` package, which `make setup` installs. As root
/// (CI) every server command runs as the `postgres` system user, since `initdb` refuses root.
public final class PostgresTestCluster: @unchecked Sendable {
    /// Failure to start or drive the cluster, with what the command printed.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public let description: String
    }

    /// The cluster's folder (data, log, socket).
    public let folder: URL
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The role tests connect as (a superuser, trust authentication on loopback).
    public let user = "xpaste"
    private let binaries: URL
    private let runAsPostgres: Bool
    private let lock = NSLock()
    private var databases = 0

    /// The cluster every test in this process shares (each test takes its own database).
    public static let shared: Result<PostgresTestCluster, Failure> = {
        do {
            let cluster = try PostgresTestCluster()
            sharedForExit = cluster
            atexit { PostgresTestCluster.sharedForExit?.destroy() }
            return .success(cluster)
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }()

    nonisolated(unsafe) private static var sharedForExit: PostgresTestCluster?

    /// Starts a new cluster (seconds: initdb dominates).
    public init() throws {
        binaries = try Self.findBinaries()
        runAsPostgres = geteuid() == 0
        let base = URL(fileURLWithPath: "/tmp").appendingPathComponent("xpaste-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        folder = base
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        if runAsPostgres {
            try Self.run("/bin/chown", ["postgres:postgres", base.path])
        }
        var chosen = 0
        var lastError = ""
        try Self.command(binaries, "initdb", ["-D", base.appendingPathComponent("data").path, "-U", "xpaste", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"], asPostgres: runAsPostgres)
        for _ in 0..<8 {
            let candidate = Int.random(in: 20_000...60_000)
            guard Self.portIsFree(candidate) else { continue }
            do {
                try Self.startServer(binaries, folder: base, port: candidate, asPostgres: runAsPostgres)
                chosen = candidate
                break
            } catch {
                lastError = "\(error)"
            }
        }
        guard chosen != 0 else { throw Failure(description: "no PostgreSQL server started: \(lastError)") }
        port = chosen
        startWatchdog()
    }

    /// A new, empty database; its URL.
    public func makeDatabase(prefix: String = "t") throws -> String {
        let name: String = lock.withLock {
            databases += 1
            return "\(prefix)_\(getpid())_\(databases)"
        }
        try psql("CREATE DATABASE \(name)")
        return url(database: name)
    }

    /// The URL of `database` on this cluster.
    public func url(database: String) -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Runs SQL through psql against `database`; returns what it printed (unaligned, tuples only).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try Self.command(
            binaries, "psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d", database, "-c", sql],
            asPostgres: false)
    }

    /// Stops the server at once (clients see their connections drop), as a crash would.
    public func stopImmediately() throws {
        try Self.command(binaries, "pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-m", "immediate", "-w", "stop"], asPostgres: runAsPostgres)
    }

    /// Starts the server again on the same port after `stopImmediately()`.
    public func startAgain() throws {
        try Self.startServer(binaries, folder: folder, port: port, asPostgres: runAsPostgres)
    }

    /// Stops the server and deletes the folder.
    public func destroy() {
        _ = try? Self.command(binaries, "pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-m", "immediate", "-w", "stop"], asPostgres: runAsPostgres)
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: Internals

    private static func startServer(_ binaries: URL, folder: URL, port: Int, asPostgres: Bool) throws {
        let options = [
            "-p \(port)", "-k \(folder.path)", "-c listen_addresses=127.0.0.1", "-c max_connections=300",
            "-c fsync=off", "-c full_page_writes=off", "-c shared_buffers=64MB",
        ].joined(separator: " ")
        try command(
            binaries, "pg_ctl",
            ["-D", folder.appendingPathComponent("data").path, "-l", folder.appendingPathComponent("server.log").path, "-w", "-t", "60", "-o", options, "start"],
            asPostgres: asPostgres)
    }

    /// A shell that outlives this process long enough to stop the server and delete the folder
    /// once the test process is gone, however it ended.
    private func startWatchdog() {
        let stop = "\(binaries.appendingPathComponent("pg_ctl").path) -D \(folder.path)/data -m immediate -w stop"
        let script = """
            while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done
            \(runAsPostgres ? "/usr/sbin/runuser -u postgres -- \(stop)" : stop) >/dev/null 2>&1
            rm -rf \(folder.path)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
    }

    private static func findBinaries() throws -> URL {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        for version in versions.compactMap(Int.init).sorted(by: >) {
            let bin = root.appendingPathComponent("\(version)/bin")
            if FileManager.default.isExecutableFile(atPath: bin.appendingPathComponent("initdb").path) { return bin }
        }
        throw Failure(description: "PostgreSQL server binaries not found under /usr/lib/postgresql: run `make setup` (it installs Debian's postgresql)")
    }

    private static func portIsFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    @discardableResult
    private static func command(_ binaries: URL, _ name: String, _ arguments: [String], asPostgres: Bool) throws -> String {
        let tool = binaries.appendingPathComponent(name).path
        if asPostgres { return try run("/usr/sbin/runuser", ["-u", "postgres", "--", tool] + arguments) }
        return try run(tool, arguments)
    }

    /// Runs a command to its end with posix_spawn and waitpid. Foundation's Process can miss the
    /// exit of a child whose own children (the postmaster pg_ctl starts) live on, and hang.
    @discardableResult
    private static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let output = URL(fileURLWithPath: "/tmp/xpaste-pg-cmd-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw Failure(description: "cannot start \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Failure(description: "waitpid \(executable): \(String(cString: strerror(errno)))") }
        }
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        let exited = (status & 0x7F) == 0, code = (status >> 8) & 0xFF
        guard exited && code == 0 else {
            throw Failure(description: "\(executable) \(arguments.joined(separator: " ")) failed (status \(status)): \(text)")
        }
        return text
    }
}
