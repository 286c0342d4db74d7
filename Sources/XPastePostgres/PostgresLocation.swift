import Foundation
import PostgresNIO

/// Where a PostgreSQL database is, parsed from a libpq-style URL:
/// `postgres://user:password@host:5432/dbname?sslmode=disable`, or a Unix socket with
/// `postgres://user@/dbname?host=/var/run/postgresql`. Missing parts take libpq's defaults (port
/// 5432, user `postgres`, database named as the user); `PGPASSWORD` supplies a password the URL
/// leaves out.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// TCP host, when not a socket.
    public var host: String?
    /// TCP port.
    public var port: Int
    /// The socket file's folder (libpq's `host=/path`), when not TCP.
    public var socketFolder: String?
    /// Role to connect as.
    public var username: String
    /// Its password.
    public var password: String?
    /// Database name.
    public var database: String
    /// `disable`, `prefer` (the default) or `require`.
    public var sslMode: String
    /// Connections the pool keeps at most.
    public var maxConnections: Int

    /// Whether `string` names a PostgreSQL database rather than a file or folder.
    public static func isPostgresURL(_ string: String) -> Bool {
        string.hasPrefix("postgres://") || string.hasPrefix("postgresql://")
    }

    /// Parses a URL; a `PostgresURLError` names what is wrong (never echoing the password).
    public init(url string: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(PostgresURLError) {
        guard Self.isPostgresURL(string) else { throw PostgresURLError("a PostgreSQL URL starts with postgres:// or postgresql://") }
        // URLComponents cannot parse an empty host followed by a path ("postgres://user@/db"); give
        // it a placeholder and drop it again.
        let patched = string.replacingOccurrences(of: "@/", with: "@localhost.invalid/")
        guard let parts = URLComponents(string: patched) else { throw PostgresURLError("the URL cannot be parsed") }
        var query: [String: String] = [:]
        for item in parts.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let known: Set<String> = ["host", "port", "sslmode", "user", "password", "dbname", "pool_max"]
        if let unknown = query.keys.first(where: { !known.contains($0) }) {
            throw PostgresURLError("unknown parameter \(unknown) (known: \(known.sorted().joined(separator: ", ")))")
        }
        username = query["user"] ?? parts.percentEncodedUser?.removingPercentEncoding ?? environment["PGUSER"] ?? "postgres"
        password = query["password"] ?? parts.percentEncodedPassword?.removingPercentEncoding ?? environment["PGPASSWORD"]
        var name = parts.percentEncodedPath.removingPercentEncoding ?? parts.path
        if name.hasPrefix("/") { name.removeFirst() }
        database = query["dbname"] ?? (name.isEmpty ? username : name)
        guard !database.contains("/") else { throw PostgresURLError("the database name cannot contain /") }
        let hostPart = parts.host == "localhost.invalid" ? nil : parts.host
        let hostValue = query["host"] ?? hostPart
        if let hostValue, hostValue.hasPrefix("/") {
            socketFolder = hostValue
            host = nil
        } else {
            socketFolder = nil
            host = hostValue ?? "localhost"
        }
        if let text = query["port"] {
            guard let value = Int(text) else { throw PostgresURLError("port \(text) is not a number") }
            port = value
        } else {
            port = parts.port ?? 5432
        }
        guard (1...65535).contains(port) else { throw PostgresURLError("port \(port) is out of range") }
        sslMode = query["sslmode"] ?? "prefer"
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw PostgresURLError("sslmode \(sslMode) is not supported (disable, prefer or require)")
        }
        if let text = query["pool_max"] {
            // One connection stays with the LISTEN loop, so a pool of one would leave queries none.
            guard let value = Int(text), (2...1000).contains(value) else { throw PostgresURLError("pool_max must be in 2…1000") }
            maxConnections = value
        } else {
            maxConnections = 8
        }
    }

    /// The client configuration for postgres-nio.
    public var configuration: PostgresClient.Configuration {
        var config: PostgresClient.Configuration
        if let socketFolder {
            config = .init(
                unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: username, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS = switch sslMode {
            case "disable": .disable
            case "require": .require(.makeClientConfiguration())
            default: .prefer(.makeClientConfiguration())
            }
            config = .init(host: host ?? "localhost", port: port, username: username, password: password, database: database, tls: tls)
        }
        config.options.maximumConnections = maxConnections
        config.options.connectTimeout = .seconds(5)
        return config
    }

    /// The location without its password, for logs and messages.
    public var description: String {
        if let socketFolder { return "postgres://\(username)@/\(database)?host=\(socketFolder)&port=\(port)" }
        return "postgres://\(username)@\(host ?? "localhost"):\(port)/\(database)"
    }
}

/// A PostgreSQL URL that cannot be used, and why.
public struct PostgresURLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public var reason: String
    /// An error.
    public init(_ reason: String) { self.reason = reason }
    /// The stable code.
    public var code: String { "postgres.invalid_url" }
    /// A sentence for people.
    public var description: String { "invalid PostgreSQL URL: \(reason)" }
}
