// libFuzzer target: the readers of files a user hands `bank import` besides images: an X-Paste
// instance pool (`--pool`) and an export folder's manifest (`categories.json`, `instances.jsonl`).
// The first input byte picks the reader; any input must end in a value or a typed BankError.
import Foundation
@testable import XPasteBank

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPoolManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let body = Data(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let folder = URL(fileURLWithPath: "/pool/folder")
    switch data[0] % 3 {
    case 0:
        if let pool = try? PoolFile(body, path: "pool.json", folder: folder) {
            // Every entry resolves inside a path and belongs to an LVIS-range category.
            for e in pool.entries where e.categoryId < 1 || e.categoryId >= BankCategory.userIdBase || e.path.isEmpty {
                fatalError("pool entry out of range: \(e)")
            }
        }
    case 1:
        _ = try? ExportManifest(categories: body, categoriesPath: "categories.json", records: nil, recordsPath: "")
    default:
        _ = try? ExportManifest(categories: nil, categoriesPath: "", records: body, recordsPath: "instances.jsonl")
    }
    return 0
}
