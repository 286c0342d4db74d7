import ArgumentParser

/// The `xpaste` command line: one binary for the service, the workers and the offline tools.
@main
struct XPasteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xpaste",
        abstract: "Scalable copy-paste augmentation for instance segmentation (X-Paste) as a service.",
        discussion: """
            Gather object cutouts per category, keep those a CLIP model agrees with, store them in an \
            instance bank, and compose LVIS/COCO training sets by pasting them onto your backgrounds.
            """,
        version: XPasteVersion.string,
        subcommands: [
            ServeCommand.self,
            DoctorCommand.self,
            ModelsCommand.self,
            BankCommand.self,
            CrawlCommand.self,
            ExtractCommand.self,
            FilterCommand.self,
            CompositeCommand.self,
            LVISStatsCommand.self,
        ]
    )
}

/// The release this binary was built as.
enum XPasteVersion {
    static let string = "0.1.0"
}
