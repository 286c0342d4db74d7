// libFuzzer target: the JSON scanner and every LVIS/COCO reader built on it (dataset sections,
// category lists, size priors). Any input must end in a value or a typed LVISError.
import XPasteLVIS

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLVISJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let reader = LVISReader(bytes: bytes)
    var n = 0
    _ = try? reader.read(info: { _ in n += 1 }, licenses: { _ in n += 1 }, images: { _ in n += 1 },
                         annotations: { _ in n += 1 }, categories: { _ in n += 1 })
    _ = try? reader.readCategories()
    _ = try? LVISSizePrior(jsonBytes: bytes)
    return 0
}
