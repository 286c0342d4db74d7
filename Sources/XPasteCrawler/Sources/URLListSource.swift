import Foundation

/// A list of image URLs as img2dataset takes them: `txt` (one URL a line), `csv`/`tsv` (a header
/// row with a `url` column and optional `category`/`caption`, `licence`/`license`, `author`
/// columns) or `jsonl` (one object a line with the same keys). Rows without a category go to every
/// category asked for when there is exactly one, and are skipped otherwise.
public struct URLListSource: ImageSource {
    /// The rows read.
    public let rows: [ImageCandidate]

    /// Reads a list; the format comes from the extension (`.txt`, `.csv`, `.tsv`, `.jsonl`).
    public init(file: URL) throws(CrawlError) {
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch { throw .invalidArgument("cannot read \(file.path): \(error.localizedDescription)") }
        try self.init(text: text, format: file.pathExtension.lowercased())
    }

    /// Reads list text in `format` (`txt`, `csv`, `tsv`, `jsonl`).
    public init(text: String, format: String) throws(CrawlError) {
        var rows: [ImageCandidate] = []
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        switch format {
        case "txt", "":
            rows = lines.map { ImageCandidate(url: $0.trimmingCharacters(in: .whitespaces), category: "") }
        case "csv", "tsv":
            let sep: Character = format == "csv" ? "," : "\t"
            guard let header = lines.first else { break }
            let names = URLListSource.fields(header, sep).map { $0.lowercased() }
            guard let u = names.firstIndex(of: "url") else { throw .invalidArgument("the list has no url column") }
            func col(_ keys: [String]) -> Int? { keys.lazy.compactMap { names.firstIndex(of: $0) }.first }
            let c = col(["category"]), cap = col(["caption", "text"]), lic = col(["licence", "license"]), au = col(["author"])
            for line in lines.dropFirst() {
                let f = URLListSource.fields(line, sep)
                func at(_ i: Int?) -> String? { i.flatMap { $0 < f.count && !f[$0].isEmpty ? f[$0] : nil } }
                guard let url = at(u) else { continue }
                rows.append(ImageCandidate(url: url, category: at(c) ?? "", licence: at(lic), author: at(au), caption: at(cap)))
            }
        case "jsonl", "json":
            for line in lines {
                guard let o = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any], let url = o["url"] as? String else {
                    throw .invalidArgument("a jsonl line is not an object with a url: \(line.prefix(80))")
                }
                rows.append(ImageCandidate(
                    url: url, category: o["category"] as? String ?? "", licence: (o["licence"] ?? o["license"]) as? String,
                    author: o["author"] as? String, caption: (o["caption"] ?? o["text"]) as? String))
            }
        default:
            throw .invalidArgument("unknown URL list format \(format); use txt, csv, tsv or jsonl")
        }
        self.rows = rows
    }

    public func candidates(category: String, synonyms: [String], limit: Int) async throws(CrawlError) -> [ImageCandidate] {
        let names = Set(([category] + synonyms).map { $0.lowercased() })
        let hasCategories = rows.contains { !$0.category.isEmpty }
        return Array(rows.lazy.filter { !hasCategories || names.contains($0.category.lowercased()) }
            .map { var r = $0; r.category = category; return r }.prefix(limit))
    }

    /// Splits a CSV/TSV line, with double-quoted fields (`""` inside quotes is a quote).
    static func fields(_ line: String, _ sep: Character) -> [String] {
        var out: [String] = [], cur = "", quoted = false
        var it = Array(line).makeIterator()
        var pending: Character? = nil
        while let ch = pending ?? it.next() {
            pending = nil
            if quoted {
                if ch == "\"" {
                    if let n = it.next() { if n == "\"" { cur.append("\"") } else { quoted = false; pending = n } } else { quoted = false }
                } else { cur.append(ch) }
            } else if ch == "\"" && cur.isEmpty {
                quoted = true
            } else if ch == sep {
                out.append(cur); cur = ""
            } else { cur.append(ch) }
        }
        out.append(cur)
        return out.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
