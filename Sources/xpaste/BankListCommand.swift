import ArgumentParser
import Foundation
import XPasteBank

/// `xpaste bank ls`: one page of instances, filtered and sorted, with the cursor for the next page.
struct BankListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls", abstract: "List instances: filter, sort, and page with --cursor.")

    @OptionGroup var location: BankLocationOptions
    @OptionGroup var filters: BankFilterOptions

    @Option(help: "Sort by score, date or area.")
    var sort = "date"

    @Flag(help: "Smallest first (default: largest / newest first).")
    var ascending = false

    @Option(help: "Page size (1…1000).")
    var limit = 50

    @Option(help: "The cursor printed after the previous page.")
    var cursor: String?

    @Flag(help: "Print one JSON object per line, then {\"next_cursor\": …}.")
    var json = false

    func run() throws {
        guard let key = InstanceOrder.Key(rawValue: sort) else {
            throw ValidationError("--sort must be score, date or area")
        }
        let bank = try location.open(create: false, readOnly: true)
        defer { try? bank.close() }
        let filter = try filters.filter(bank)
        let query = InstanceQuery(filter: filter, order: InstanceOrder(key, descending: !ascending), limit: limit, cursor: cursor)
        let page = try BankCLI.run { try bank.browse(query) }
        if json {
            for instance in page.instances { print(try BankCLI.json(instance)) }
            struct Next: Encodable {
                var nextCursor: String?
                enum CodingKeys: String, CodingKey { case nextCursor = "next_cursor" }
            }
            print(try BankCLI.json(Next(nextCursor: page.nextCursor)))
            return
        }
        let names = Dictionary(uniqueKeysWithValues: try BankCLI.run { try bank.categories() }.map { ($0.id, $0.name) })
        print("id        category                  status    score   area    segmenter          kind       size")
        for i in page.instances {
            let score = i.clipScore.map { String(format: "%.2f", $0) } ?? "–"
            let area = i.areaRatio.map { String(format: "%.3f", $0) } ?? "–"
            let name = names[i.categoryId] ?? "\(i.categoryId)"
            var line = col("\(i.id)", 10) + col(name, 26) + col(i.status.rawValue, 10)
            line += col(score, 8) + col(area, 8) + col(i.segmenter, 19) + col(i.sourceKind.rawValue, 11)
            print(line + "\(i.width)×\(i.height)")
        }
        if let next = page.nextCursor {
            print("next page: --cursor \(next)")
        }
    }

    private func col(_ s: String, _ width: Int) -> String {
        s.count >= width ? String(s.prefix(width - 1)) + " " : s + String(repeating: " ", count: width - s.count)
    }
}
