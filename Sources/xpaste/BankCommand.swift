import ArgumentParser

/// `xpaste bank …`: the instance bank from the command line, over the same API the service uses.
struct BankCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bank",
        abstract: "Inspect, import into and export from the instance bank.",
        subcommands: [BankStatsCommand.self, BankListCommand.self, BankExportCommand.self, BankImportCommand.self, BankLinkLVISCommand.self, BankVerifyCommand.self, BankCopyCommand.self]
    )
}
