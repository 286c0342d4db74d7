import Foundation

/// The manifest of an `xpaste bank export` folder, parsed: `categories.json` (the categories, with
/// their LVIS metadata) and `instances.jsonl` (one record per cutout, with its provenance), which
/// a pool or folder import reads back so the cutouts keep what the bank knew about them.
///
/// Kept apart from the importer (no bank, no database) so the libFuzzer build can drive exactly
/// what reads these files (`fuzz/targets/pool_manifest.swift`).
struct ExportManifest {
    /// `categories.json`, or empty without it.
    var categories: [ExportedCategory] = []
    /// `instances.jsonl` with each record's 1-based line number, or empty without it.
    var records: [(line: Int, record: ExportedInstance)] = []

    /// No categories, no records.
    init() {}

    /// Parses the two files' contents (nil: the file is not there); a malformed one is
    /// `bank.invalid_import` naming the file, the line for `instances.jsonl`, and the JSON path.
    init(categories: Data?, categoriesPath: String, records: Data?, recordsPath: String) throws(BankError) {
        let decoder = JSONDecoder()
        if let categories {
            do { self.categories = try decoder.decode([ExportedCategory].self, from: categories) } catch {
                throw BankError.invalidImport("\(categoriesPath): \(PoolFile.describe(error))")
            }
        }
        if let records {
            // Empty lines kept in the count, so the line numbers in errors are the file's.
            for (n, line) in records.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
                do { self.records.append((n + 1, try decoder.decode(ExportedInstance.self, from: Data(line)))) } catch {
                    throw BankError.invalidImport("\(recordsPath) line \(n + 1): \(PoolFile.describe(error))")
                }
            }
        }
    }
}
