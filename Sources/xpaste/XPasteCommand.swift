import ArgumentParser
import Foundation

/// The `xpaste` command line: one binary for the service, the workers and the offline tools.
@main
struct XPasteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xpaste",
        abstract: "Scalable copy-paste augmentation for instance segmentation (X-Paste) as a service.",
        discussion: """
            Gather object cutouts per category, keep those a CLIP model agrees with, store them in an \
            instance bank, and compose LVIS/COCO training sets by pasting them onto your backgrounds.
            Errors are printed as `xpaste: error [code]: message` with a stable code. Exit status: 0 success; \
            64 usage error (unknown option, option value out of range); 65 bad input (malformed annotation file, \
            not a bank, corrupt blob, failed verification); 70 internal error; 74 I/O error (cannot open, read or \
            write a file or standard output, bank missing or busy).
            """,
        version: XPasteVersion.string,
        subcommands: [
            ServeCommand.self,
            WorkerCommand.self,
            QueueCommand.self,
            DoctorCommand.self,
            ModelsCommand.self,
            BankCommand.self,
            CrawlCommand.self,
            GenerateCommand.self,
            ExtractCommand.self,
            FilterCommand.self,
            CompositeCommand.self,
            LVISStatsCommand.self,
        ]
    )

    /// Runs the command, then checks that everything written to standard output and standard error
    /// arrived: a failed write is `ExitStatus.io`, never a silent 0.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            finishAndExit(with: Console.fail(code: error.code, error.description))
        } catch {
            finishAndExit(withError: error)
        }
        if let failure = Console.finish() {
            Console.err("xpaste: error [cli.io]: output failed: \(failure)\n")
            Foundation.exit(ExitStatus.io)
        }
    }

    private static func finishAndExit(with code: ExitCode) -> Never {
        finishAndExit(withError: code)
    }

    private static func finishAndExit(withError error: any Error) -> Never {
        _ = Console.finish()
        exit(withError: error)
    }
}

/// The release this binary was built as.
enum XPasteVersion {
    static let string = "0.1.0"
}
