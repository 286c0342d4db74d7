import ArgumentParser
import Foundation
import Logging
import XPasteInference

/// `xpaste models list|verify|pull`: the models folder.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List, verify and download models in the models folder ($XPASTE_MODELS, else ./models).",
        subcommands: [List.self, Verify.self, Pull.self]
    )

    /// The folder option every subcommand shares.
    struct Folder: ParsableArguments {
        @Option(name: .customLong("models"), help: "Models folder (default: $XPASTE_MODELS, else ./models).")
        var path: String?

        var directory: ModelsDirectory {
            path.map { ModelsDirectory(root: URL(fileURLWithPath: $0)) } ?? ModelsDirectory()
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List installed models and their manifests.")

        @OptionGroup var folder: Folder

        func run() throws {
            let entries = folder.directory.list()
            if entries.isEmpty { print("no models in \(folder.directory.root.path)") }
            for entry in entries {
                guard let manifest = entry.manifest else {
                    print("\(entry.name)\tunusable\t\(entry.problem ?? "")")
                    continue
                }
                print("\(entry.name)\t\(manifest.family.rawValue)\t\(manifest.variant ?? "-")\t\(manifest.source ?? "-")")
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every file of the named models (default: all) against its manifest's SHA-256.",
            discussion: "Exits with status 1 when a file is missing or differs.")

        @OptionGroup var folder: Folder

        @Argument(help: "Model names.")
        var names: [String] = []

        func run() throws {
            let directory = folder.directory
            let targets = names.isEmpty ? directory.list().map(\.name) : names
            var failed = false
            for name in targets {
                do {
                    for check in try directory.verify(name) {
                        print("\(name)/\(check.path)\t\(check.status.rawValue)\(check.detail.map { "\t\($0)" } ?? "")")
                        if check.status == .missing || check.status == .mismatch { failed = true }
                    }
                } catch {
                    print("\(name)\terror\t\(error)")
                    failed = true
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download known models with resume and checksum checks.",
            discussion: "An interrupted pull resumes where it stopped when run again.")

        @OptionGroup var folder: Folder

        @Flag(help: "List the models that can be pulled.")
        var list = false

        @Argument(help: "Model names (see --list).")
        var names: [String] = []

        func run() async throws {
            if list || names.isEmpty {
                for (name, entry) in ModelCatalog.entries.sorted(by: { $0.key < $1.key }) { print("\(name)\t\(entry.summary)") }
                return
            }
            let logger = Logger(label: "xpaste.models")
            let downloader = ModelDownloader(directory: folder.directory)
            for name in names {
                guard let entry = ModelCatalog.entries[name] else {
                    throw ValidationError("unknown model \(name); `xpaste models pull --list` shows the known ones")
                }
                let manifest = try await downloader.pull(entry, logger: logger) { path, received, total in
                    let percent = total.map { " (\(received * 100 / max($0, 1))%)" } ?? ""
                    Console.err("\r\(name)/\(path): \(received / 1_000_000) MB\(percent)   ")
                }
                Console.err("\n")
                print("\(name): \(manifest.files.count) file(s) in \(folder.directory.folder(of: name).path)")
            }
        }
    }
}
