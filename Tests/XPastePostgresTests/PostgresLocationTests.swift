import Testing
import XPastePostgres

/// libpq-style URLs, and the refusals that name what is wrong without echoing a password.
struct PostgresLocationTests {
    @Test func tcpURLWithEveryPart() throws {
        let l = try PostgresLocation(url: "postgres://alice:s%40cret@db.example:6543/bank?sslmode=require&pool_max=4", environment: [:])
        #expect(l.host == "db.example" && l.port == 6543 && l.socketFolder == nil)
        #expect(l.username == "alice" && l.password == "s@cret" && l.database == "bank")
        #expect(l.sslMode == "require" && l.maxConnections == 4)
        #expect(l.description == "postgres://alice@db.example:6543/bank")
        #expect(!l.description.contains("cret"))
    }

    @Test func defaultsFollowLibpq() throws {
        let l = try PostgresLocation(url: "postgresql://db", environment: ["PGPASSWORD": "pw", "PGUSER": "bob"])
        #expect(l.host == "db" && l.port == 5432 && l.username == "bob" && l.password == "pw" && l.database == "bob")
        #expect(l.sslMode == "prefer" && l.maxConnections == 8)
    }

    @Test func unixSocketForms() throws {
        let a = try PostgresLocation(url: "postgres://carol@/queue?host=/var/run/postgresql", environment: [:])
        #expect(a.socketFolder == "/var/run/postgresql" && a.host == nil && a.username == "carol" && a.database == "queue")
        let b = try PostgresLocation(url: "postgres:///queue?host=/tmp&port=5433&user=dave", environment: [:])
        #expect(b.socketFolder == "/tmp" && b.port == 5433 && b.username == "dave")
    }

    @Test(arguments: [
        ("mysql://x/y", "starts with postgres://"),
        ("postgres://h/db?sslmode=verify-full", "sslmode"),
        ("postgres://h/db?pool_max=1", "pool_max"),
        ("postgres://h:99999/db", "port"),
        ("postgres://h/db?colour=blue", "unknown parameter colour"),
        ("postgres://u:topsecret@h/db?port=x", "port x"),
    ])
    func refusals(_ url: String, _ mentions: String) {
        do {
            _ = try PostgresLocation(url: url, environment: [:])
            Issue.record("\(url) was accepted")
        } catch {
            #expect(error.code == "postgres.invalid_url")
            #expect(error.description.contains(mentions), "\(error.description)")
            #expect(!error.description.contains("topsecret"))
        }
    }
}
