import ArgumentParser

/// `xpaste serve`: runs the HTTP service.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the xpaste HTTP service (not built yet: exits with status 3 and says so)."
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Option(help: "Path of the SQLite instance bank.")
    var bank = "data/bank.sqlite"

    func run() async throws {
        // The HTTP server is a later milestone. Say so plainly instead of pretending to serve.
        print("""
            xpaste \(XPasteVersion.string): the HTTP service is not built yet.
            Would listen on http://\(host):\(port) with the bank at \(bank).
            Available today: `xpaste --help` lists the offline commands (lvis-stats, bank, …).
            """)
        throw ExitCode(3)
    }
}
