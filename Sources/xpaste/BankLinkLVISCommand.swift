import ArgumentParser
import Foundation
import XPasteBank
import XPasteLVIS

/// `xpaste bank link-lvis`: repair a bank filled before the LVIS vocabulary was loaded.
struct BankLinkLVISCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link-lvis",
        abstract: "Link the bank's categories to LVIS by name or synonym, and load the rest of the LVIS vocabulary.",
        discussion: """
            A category made before the LVIS list was loaded (a user category with an id from 1,000,000, or a pool \\
            placeholder lvis_<id>) moves to the LVIS category with its name or one of its synonyms: its instances \\
            and sources follow, in one transaction (a cutout the LVIS category already holds is dropped as the \\
            duplicate it is). Categories LVIS has no name for stay as they are and are listed; one sitting on an \\
            LVIS id under another name moves to a user id first. Then the LVIS categories the bank lacks are added.
            """)

    @OptionGroup var location: BankLocationOptions

    @Option(help: "LVIS category list (lvis_v1_categories.json, or a full LVIS file); default $XPASTE_LVIS_CATEGORIES.")
    var lvisCategories: String?

    func run() async throws {
        guard let path = lvisCategories ?? ProcessInfo.processInfo.environment["XPASTE_LVIS_CATEGORIES"] else {
            throw ValidationError("give --lvis-categories PATH (lvis_v1_categories.json) or set XPASTE_LVIS_CATEGORIES")
        }
        let vocabulary: LVISVocabulary
        do { vocabulary = try LVISVocabulary(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ValidationError("cannot read LVIS categories from \(path): \(error)")
        }
        let bank = try location.open(create: false)
        defer { try? bank.close() }
        let summary = try await BankCLI.run { try await LVISCategoryLinker(vocabulary: vocabulary).link(bank) }
        print("LVIS vocabulary: \(summary.loaded) categories")
        Self.report(summary)
    }

    /// Prints what linking did.
    static func report(_ summary: LVISCategoryLinker.Summary) {
        for l in summary.linked {
            print("linked \(l.fromName) (id \(l.fromID)) → LVIS \(l.lvisName) (id \(l.lvisID)), \(l.instances) instances")
        }
        if !summary.unmatched.isEmpty {
            print("no LVIS name or synonym (left as your own categories): \(summary.unmatched.joined(separator: ", "))")
        }
    }
}
